package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS material for a broker on 127.0.0.1, made at test time with the JDK's own {@code keytool}
 * (nothing downloaded, no extra library): a self-signed EC certificate for {@code IP:127.0.0.1} and
 * {@code DNS:localhost} in a PKCS12 keystore, and a PKCS12 truststore holding that certificate,
 * which clients trust. Hostname verification stays on ({@code
 * ssl.endpoint.identification.algorithm} keeps Kafka's default {@code https}).
 *
 * @param keystore the broker's PKCS12 keystore (key and certificate)
 * @param keystorePassword its password (also the key's)
 * @param truststore the clients' PKCS12 truststore
 * @param truststorePassword its password
 * @param certificate the broker's certificate in PEM
 */
public record KafkaTls(
    Path keystore,
    String keystorePassword,
    Path truststore,
    String truststorePassword,
    Path certificate) {

  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  /** Generates fresh material in {@code dir} (created if missing), valid for 30 days. */
  public static KafkaTls generate(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
    Path keystore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.crt");
    Path truststore = dir.resolve("truststore.p12");
    String keystorePassword = randomPassword();
    String truststorePassword = randomPassword();
    Map<String, String> env =
        Map.of("KEYSTORE_PASSWORD", keystorePassword, "TRUSTSTORE_PASSWORD", truststorePassword);
    keytool(
        env,
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-sigalg",
        "SHA256withECDSA",
        "-dname",
        "CN=127.0.0.1, O=Sieve test broker",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "30",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass:env",
        "KEYSTORE_PASSWORD",
        "-keypass:env",
        "KEYSTORE_PASSWORD");
    keytool(
        env,
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass:env",
        "KEYSTORE_PASSWORD",
        "-file",
        certificate.toString());
    keytool(
        env,
        "-importcert",
        "-noprompt",
        "-alias",
        "sieve-test-broker",
        "-file",
        certificate.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass:env",
        "TRUSTSTORE_PASSWORD");
    return new KafkaTls(keystore, keystorePassword, truststore, truststorePassword, certificate);
  }

  /** 32 random hex characters. */
  static String randomPassword() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Runs keytool; passwords travel in its environment, never in its (ps-visible) arguments. */
  private static void keytool(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      // keytool prompts for nothing with these arguments; close its input all the same
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run keytool " + args[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool", e);
    }
  }
}
