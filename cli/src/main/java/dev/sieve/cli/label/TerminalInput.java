package dev.sieve.cli.label;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

/**
 * Single key presses from the real terminal, through JLine: the terminal is put in raw mode (no
 * echo, no line buffering) for as long as the labeler runs, and restored on close or on JVM exit.
 * Ctrl-C and Ctrl-D read as {@code q}, so quitting always releases the request on screen at once.
 */
final class TerminalInput implements KeyInput {

  private static final int READ_EXPIRED = NonBlockingReader.READ_EXPIRED;
  private static final int CTRL_C = 3;
  private static final int CTRL_D = 4;

  private final Terminal terminal;
  private final Attributes original;
  private final Thread restorer;

  private TerminalInput(Terminal terminal) {
    this.terminal = terminal;
    this.original = terminal.enterRawMode();
    // Ctrl-C as a key, not SIGINT: the labeler then quits through its own path and releases the
    // request it holds instead of leaving it locked until the lock expires.
    Attributes raw = terminal.getAttributes();
    raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    terminal.setAttributes(raw);
    this.restorer = new Thread(() -> terminal.setAttributes(original), "sieve-label-terminal");
    Runtime.getRuntime().addShutdownHook(restorer);
  }

  /**
   * The system terminal, or empty when JLine can only offer a dumb one (then reading lines is the
   * honest choice).
   */
  static Optional<KeyInput> open() {
    try {
      Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
      if (Terminal.TYPE_DUMB.equals(terminal.getType())
          || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
        terminal.close();
        return Optional.empty();
      }
      return Optional.of(new TerminalInput(terminal));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> next(Duration timeout) throws IOException {
    int c = terminal.reader().read(Math.max(1, timeout.toMillis()));
    if (c == READ_EXPIRED) {
      return Optional.empty();
    }
    if (c < 0 || c == CTRL_C || c == CTRL_D) {
      return Optional.of(QUIT);
    }
    if (c == '\r' || c == '\n') {
      return Optional.of("\n");
    }
    return Optional.of(String.valueOf((char) c));
  }

  @Override
  public boolean quitWhileIdle() throws IOException {
    for (int c = terminal.reader().read(1); c != READ_EXPIRED; c = terminal.reader().read(1)) {
      if (c < 0 || c == CTRL_C || c == CTRL_D || c == 'q' || c == 'Q') {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean singleKeys() {
    return true;
  }

  @Override
  public int width() {
    return terminal.getWidth();
  }

  @Override
  public void close() {
    try {
      terminal.setAttributes(original);
      terminal.close();
      Runtime.getRuntime().removeShutdownHook(restorer);
    } catch (IOException | IllegalStateException e) {
      // closing at JVM exit: the hook restores the terminal
    }
  }
}
