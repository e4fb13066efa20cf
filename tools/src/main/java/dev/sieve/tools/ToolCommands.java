package dev.sieve.tools;

import dev.sieve.tools.calibrate.CalibrateDriftCommand;
import dev.sieve.tools.eval.EvalAlCommand;
import dev.sieve.tools.eval.EvalCommand;
import java.util.List;

/** What a model engineer runs to measure Sieve on a labelled dataset, in {@code --help} order. */
public final class ToolCommands {

  public static final String HEADING = "Measure";

  public static final List<Class<?>> MEASURE =
      List.of(EvalCommand.class, EvalAlCommand.class, CalibrateDriftCommand.class);

  private ToolCommands() {}
}
