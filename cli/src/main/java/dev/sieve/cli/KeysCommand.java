package dev.sieve.cli;

import dev.sieve.model.KeyPairFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sieve keys}: model-signing key pairs. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Model-signing key pairs (see: sieve keys generate --help).",
    subcommands = {KeysCommand.Generate.class})
final class KeysCommand {

  /** {@code sieve keys generate [--out DIR] [--name NAME]}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Generate an Ed25519 key pair that signs model versions: <name>.key (the private key,"
            + " readable by you only: give it to the publishers — retrain-trigger, classifier"
            + " create, rollback) and <name>.pub (the public key: give it to the inference job"
            + " and retrain-trigger as --model-trusted-keys). Prints the key id.",
        "Never overwrites a key."
      })
  static final class Generate extends ClientCommand {

    @Option(
        names = "--out",
        paramLabel = "<dir>",
        defaultValue = ".",
        description = "Directory to write the pair into (default: the current directory).")
    Path out;

    @Option(
        names = "--name",
        paramLabel = "<name>",
        defaultValue = KeyPairFiles.DEFAULT_NAME,
        description = "File name of the pair, without extension (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    int run(PrintWriter stdout, PrintWriter err) {
      KeyPairFiles.Written written;
      try {
        written = KeyPairFiles.generate(out.toAbsolutePath().normalize(), name);
      } catch (IllegalStateException | java.io.UncheckedIOException e) {
        throw new CliException(e.getMessage());
      }
      stdout.printf("key id       %s%n", written.keyId());
      stdout.printf("private key  %s (owner only: for the publishers)%n", written.privateKey());
      stdout.printf("public key   %s (for --model-trusted-keys)%n", written.publicKey());
      return 0;
    }
  }
}
