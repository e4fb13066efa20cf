package dev.sieve.cli.label;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * Answers read a line at a time (a number and Enter, {@code s}, {@code u}, {@code q}), for stdin
 * that is not a terminal: a pipe, a file, a test. A daemon thread reads ahead into a queue, because
 * {@code InputStream} reads cannot time out and the labeler must keep renewing its lock meanwhile.
 */
final class LineInput implements KeyInput {

  /** Stands for the end of input in the queue (compared by identity). */
  private static final String END = new String("<end of input>");

  private final BlockingDeque<String> lines = new LinkedBlockingDeque<>();
  private final Thread reader;

  LineInput(InputStream in) {
    BufferedReader buffered = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    reader =
        new Thread(
            () -> {
              try {
                for (String line = buffered.readLine(); line != null; line = buffered.readLine()) {
                  if (!line.isBlank()) {
                    lines.add(line.strip());
                  }
                }
              } catch (IOException e) {
                // a broken pipe ends the input like EOF does
              }
              lines.add(END);
            },
            "sieve-label-input");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public Optional<String> next(Duration timeout) {
    try {
      String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == END) {
        lines.addFirst(END); // every later read sees the end too
        return Optional.of(QUIT);
      }
      return Optional.ofNullable(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(QUIT);
    }
  }

  @Override
  public boolean quitWhileIdle() {
    String head = lines.peek();
    return head == END || QUIT.equalsIgnoreCase(head);
  }

  @Override
  public boolean singleKeys() {
    return false;
  }

  @Override
  public int width() {
    return 0;
  }

  @Override
  public void close() {
    // the reader thread is a daemon blocked on stdin; it ends with the JVM
  }
}
