package dev.sieve.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * Builds one {@code sieve} command line from groups of subcommands and lists them in {@code --help}
 * under a heading per group ("Run locally", "Operate", "Measure"). The operator CLI has one group;
 * the launcher of the whole repository adds the others, so every command keeps its name and flags
 * whichever jar runs it. A command that fails prints one line, never a stack trace ({@link
 * ClientCommand#reportFailure}).
 */
public final class CommandGroups {

  private final Map<String, List<Class<?>>> groups = new LinkedHashMap<>();

  /** Adds a group; its commands are listed under {@code heading} in the order given. */
  public CommandGroups add(String heading, List<Class<?>> commands) {
    groups.computeIfAbsent(heading, h -> new ArrayList<>()).addAll(commands);
    return this;
  }

  /** The command line of {@code root} with every group's commands and {@code help}. */
  public CommandLine commandLine(Object root) {
    CommandLine cl = new CommandLine(root).setCaseInsensitiveEnumValuesAllowed(true);
    for (List<Class<?>> commands : groups.values()) {
      for (Class<?> command : commands) {
        cl.addSubcommand(command);
      }
    }
    cl.addSubcommand(CommandLine.HelpCommand.class);
    // after every subcommand is added: picocli gives the handler to those it has at this moment
    cl.setExecutionExceptionHandler(
        (e, failed, parsed) -> ClientCommand.reportFailure(failed.getCommandSpec(), e));
    cl.getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, this::render);
    return cl;
  }

  private String render(Help help) {
    Map<String, Help> all = help.subcommands();
    Map<String, Help> rest = new LinkedHashMap<>(all);
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Class<?>>> group : groups.entrySet()) {
      Map<String, Help> listed = new LinkedHashMap<>();
      for (Class<?> command : group.getValue()) {
        String name = command.getAnnotation(CommandLine.Command.class).name();
        listed.put(name, all.get(name));
        rest.remove(name);
      }
      out.append('\n').append(group.getKey()).append(":\n").append(help.commandList(listed));
    }
    return out.append('\n').append(help.commandList(rest)).toString();
  }
}
