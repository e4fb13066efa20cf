package dev.sieve.cli.label;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the person at the terminal types: single key presses on a real terminal, whole lines from a
 * pipe (so scripts and tests can drive the labeler). The end of the input reads as {@code q}.
 */
interface KeyInput extends AutoCloseable {

  /** The quit command that the end of input, Ctrl-C and Ctrl-D turn into. */
  String QUIT = "q";

  /** The next key or line (stripped), or empty if nothing came within {@code timeout}. */
  Optional<String> next(Duration timeout) throws IOException;

  /**
   * While no request is shown: true if the person asked to quit. A pipe's pending answers are left
   * for the requests to come; a terminal's stray keys are dropped.
   */
  boolean quitWhileIdle() throws IOException;

  /** True for single key presses (a class number of two digits then needs Enter). */
  boolean singleKeys();

  /** Terminal width for wrapping, or 0 if unknown. */
  int width();

  @Override
  void close();
}
