package dev.sieve.cli.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lines of UTF-8 text, read by a daemon thread so that the command can stop between two lines even
 * while the input has none to give.
 *
 * <p>Hand-written because a read of standard input that is waiting for the next line cannot be
 * interrupted in Java: with the read on the command's own thread, Ctrl-C during {@code produce
 * --stdin} would wait for a line that may never come, and the summary would be lost. The queue is
 * bounded, so a fast file is not read far ahead of what Kafka takes.
 */
final class LineReader {

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1024);

  LineReader(InputStream in) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  queue.put(line);
                }
              } catch (IOException e) {
                put(new UncheckedIOException(e));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                put(END);
              }
            },
            "sieve-line-reader");
    reader.setDaemon(true); // may stay blocked on standard input; must not keep the JVM alive
    reader.start();
  }

  /**
   * The next line, waiting for it as long as {@code stop} says no; null at the end of the input or
   * once {@code stop} says yes.
   *
   * @throws UncheckedIOException if the input could not be read
   */
  String next(BooleanSupplier stop) throws InterruptedException {
    while (!stop.getAsBoolean()) {
      Object item = queue.poll(100, TimeUnit.MILLISECONDS);
      if (item == END) {
        return null;
      }
      if (item instanceof UncheckedIOException e) {
        throw e;
      }
      if (item != null) {
        return (String) item;
      }
    }
    return null;
  }

  private void put(Object item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
