package dev.sieve.cli.report;

import dev.sieve.embedded.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, run headless on a page file (file://, no server). A fresh machine does
 * not have it, and the build must fetch what its tests need: when {@code /usr/bin/chromium} is
 * missing, {@link #installed()} runs {@code apt-get install} (after {@code apt-get update} if the
 * package lists are not there yet). CI runs as root with Debian's package registry reachable; where
 * that is impossible the test fails with apt's own words, never skips.
 *
 * <p>Each run gets a fresh profile directory, removed afterwards, and flags that stop Chromium from
 * reaching the network on its own (component updates, sync, QUIC, background networking).
 */
final class HeadlessChromium {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private HeadlessChromium() {}

  /** Chromium, installed first if needed. */
  static HeadlessChromium installed() throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      install();
    }
    return new HeadlessChromium();
  }

  /** The DOM after the page has loaded and laid out, serialised as HTML. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    return run(page, List.of("--dump-dom")).stdout();
  }

  /** A PNG of the top {@code width} x {@code height} CSS pixels of the page. */
  void screenshot(Path page, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    Result r =
        run(
            page,
            List.of(
                "--hide-scrollbars",
                "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath()));
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new IllegalStateException(
          "chromium wrote no screenshot to " + png + ":\n" + r.stderr());
    }
  }

  private Result run(Path page, List<String> action) throws IOException, InterruptedException {
    Path profile = TempDirs.create("sieve-chromium-profile-");
    try {
      List<String> command = new ArrayList<>();
      command.add(BINARY.toString());
      command.addAll(
          List.of(
              "--headless",
              "--no-sandbox", // root in CI, where Chromium's sandbox refuses to start
              "--disable-gpu",
              "--disable-dev-shm-usage", // containers often have a tiny /dev/shm
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--user-data-dir=" + profile));
      command.addAll(action);
      command.add(page.toAbsolutePath().toUri().toString());
      Result r = exec(command, RUN_TIMEOUT);
      if (r.exit() != 0) {
        throw new IllegalStateException(
            "chromium exited with " + r.exit() + " on " + page + ":\n" + r.stderr());
      }
      return r;
    } finally {
      TempDirs.deleteQuietly(profile);
    }
  }

  private static void install() throws IOException, InterruptedException {
    List<String> install =
        List.of(
            "apt-get",
            "-o",
            "DPkg::Lock::Timeout=600",
            "install",
            "-y",
            "--no-install-recommends",
            "chromium");
    Result first = exec(install, INSTALL_TIMEOUT);
    if (first.exit() != 0 || !Files.isExecutable(BINARY)) {
      // a fresh machine may have no package lists yet
      Result update =
          exec(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "update"), INSTALL_TIMEOUT);
      Result second = exec(install, INSTALL_TIMEOUT);
      if (second.exit() != 0 || !Files.isExecutable(BINARY)) {
        throw new IllegalStateException(
            "the report test renders the page in headless Chromium, and "
                + BINARY
                + " is missing and could not be installed with `apt-get install chromium`"
                + " (it needs root and Debian's package registry). apt-get update said:\n"
                + tail(update.stdout() + update.stderr())
                + "\napt-get install said:\n"
                + tail(second.stdout() + second.stderr()));
      }
    }
  }

  private static Result exec(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("sieve-chromium-out-", ".txt");
    Path err = Files.createTempFile("sieve-chromium-err-", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return new Result(-1, "", "cannot start " + command.get(0) + ": " + e.getMessage());
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout.toMinutes() + " min");
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String tail(String text) {
    String t = text.strip();
    return t.length() <= 2_000 ? t : "..." + t.substring(t.length() - 2_000);
  }

  private record Result(int exit, String stdout, String stderr) {}
}
