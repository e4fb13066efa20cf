package dev.sieve.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker-compose.yml} as {@code docker compose} reads it — YAML with anchors and aliases
 * resolved, {@code ${VAR}} taken from {@code .env} beside it, {@code $$} meaning {@code $} — and
 * the few things the tests need out of it: services, mounts, the Flink configuration, the topics
 * the init container creates and the {@code flink run} commands the submitter runs.
 *
 * <p>Hand-written because no Java library models the compose specification; SnakeYAML does the
 * parsing, this class only walks maps.
 */
public final class ComposeFile {

  /** Surefire and failsafe run in the module directory. */
  public static final Path MODULE_DIR =
      Path.of(System.getProperty("sieve.compose.dir", "")).toAbsolutePath().normalize();

  public static final String SUBMITTER = "job-submitter";
  public static final String TOPIC_INIT = "topic-init";

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern CREATE_TOPIC = Pattern.compile("^create --topic (\\S+)(.*)$");
  private static final Pattern CONFIG = Pattern.compile("--config (\\S+?)=(\\S+)");
  private static final Pattern PARTITIONS = Pattern.compile("--partitions (\\d+)");
  private static final String SUBMIT = "submit ";

  private final Path file;
  private final Map<String, Object> root;

  private ComposeFile(Path file, Map<String, Object> root) {
    this.file = file;
    this.root = root;
  }

  /** {@code docker-compose.yml} of this module, interpolated with its {@code .env}. */
  public static ComposeFile load() {
    return load(MODULE_DIR.resolve("docker-compose.yml"));
  }

  public static ComposeFile load(Path file) {
    Map<String, String> env = dotEnv(file.resolveSibling(".env"));
    String text = interpolate(read(file), env);
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    return new ComposeFile(file, root);
  }

  public Path file() {
    return file;
  }

  public Map<String, Service> services() {
    Map<String, Service> out = new LinkedHashMap<>();
    map(root.get("services")).forEach((name, spec) -> out.put(name, new Service(name, map(spec))));
    return out;
  }

  public Service service(String name) {
    Service s = services().get(name);
    if (s == null) {
      throw new IllegalArgumentException("no service " + name + " in " + file);
    }
    return s;
  }

  /** The top-level compose secrets: name → host file, relative to the compose file. */
  public Map<String, String> secretFiles() {
    Map<String, String> out = new LinkedHashMap<>();
    map(root.get("secrets"))
        .forEach((name, spec) -> out.put(name, String.valueOf(map(spec).get("file"))));
    return out;
  }

  /** The topics {@link #TOPIC_INIT} creates, in order. */
  public List<TopicSpec> topics() {
    String script = service(TOPIC_INIT).script();
    Matcher p = PARTITIONS.matcher(script);
    if (!p.find()) {
      throw new IllegalStateException(TOPIC_INIT + " names no --partitions");
    }
    int partitions = Integer.parseInt(p.group(1));
    List<TopicSpec> out = new ArrayList<>();
    for (String line : logicalLines(script)) {
      Matcher m = CREATE_TOPIC.matcher(line);
      if (m.matches()) {
        Map<String, String> configs = new LinkedHashMap<>();
        Matcher c = CONFIG.matcher(m.group(2));
        while (c.find()) {
          configs.put(c.group(1), c.group(2));
        }
        out.add(new TopicSpec(m.group(1), partitions, configs));
      }
    }
    return out;
  }

  /**
   * The {@code flink run} commands of {@link #SUBMITTER}, in order: each {@code submit <job>
   * <args>} line of its script as the script's {@code submit} function runs it, with the function's
   * fixed options (those before the first shell variable) and the guard {@code sieve <job>}, the
   * name its "already running?" check looks for.
   */
  public List<FlinkRun> flinkRuns() {
    List<String> fixed = new ArrayList<>(List.of("run"));
    for (String token : submitFlinkRun().substring("flink run ".length()).split(" ")) {
      if (token.contains("$")) {
        break;
      }
      fixed.add(token);
    }
    List<FlinkRun> out = new ArrayList<>();
    for (String line : logicalLines(service(SUBMITTER).script())) {
      if (line.startsWith(SUBMIT)) {
        List<String> tokens = List.of(line.substring(SUBMIT.length()).split(" "));
        if (line.contains("\"") || line.contains("'")) {
          // the tokenizer splits on blanks; quoting would need a shell to read it
          throw new IllegalStateException("quoted job arguments are not supported: " + line);
        }
        List<String> arguments = new ArrayList<>(fixed);
        arguments.addAll(tokens.subList(1, tokens.size()));
        out.add(new FlinkRun("sieve " + tokens.get(0), arguments));
      }
    }
    return out;
  }

  /**
   * The one {@code flink run} line of {@link #SUBMITTER}'s script: its {@code submit} function's.
   */
  public String submitFlinkRun() {
    List<String> runs =
        logicalLines(service(SUBMITTER).script()).stream()
            .filter(l -> l.startsWith("flink run "))
            .toList();
    if (runs.size() != 1) {
      throw new IllegalStateException("expected one flink run line in the submitter: " + runs);
    }
    return runs.get(0);
  }

  /**
   * The shell functions the {@link #SUBMITTER}'s script defines before it submits anything: the
   * script up to its first {@code flink list}, to be run by {@code bash} in a test.
   */
  public String submitterFunctions() {
    String script = service(SUBMITTER).script();
    int end = script.indexOf("flink list ");
    if (end < 0) {
      throw new IllegalStateException("the submitter lists running jobs before submitting");
    }
    return script.substring(0, end);
  }

  /** The host file or directory behind {@code containerPath} in {@code service}'s bind mounts. */
  public Path hostPath(String service, String containerPath) {
    for (Mount m : service(service).mounts()) {
      if (m.bind() && containerPath.startsWith(m.container())) {
        String rest = containerPath.substring(m.container().length());
        return MODULE_DIR
            .resolve(m.host())
            .resolve(rest.startsWith("/") ? rest.substring(1) : rest)
            .normalize();
      }
    }
    throw new IllegalArgumentException(service + " mounts nothing at " + containerPath);
  }

  /** One service's definition. */
  public record Service(String name, Map<String, Object> spec) {

    public String image() {
      return (String) spec.get("image");
    }

    public boolean hasHealthcheck() {
      return spec.get("healthcheck") instanceof Map<?, ?> h && h.get("test") != null;
    }

    /** A one-shot container: it runs to completion and is not restarted. */
    public boolean oneShot() {
      return "no".equals(String.valueOf(spec.get("restart")));
    }

    /** Dependency → condition; the short list syntax means {@code service_started}. */
    public Map<String, String> dependsOn() {
      Object d = spec.get("depends_on");
      Map<String, String> out = new LinkedHashMap<>();
      if (d instanceof List<?> names) {
        names.forEach(n -> out.put(String.valueOf(n), "service_started"));
      } else if (d instanceof Map<?, ?> m) {
        m.forEach(
            (k, v) ->
                out.put(
                    String.valueOf(k),
                    String.valueOf(
                        v instanceof Map<?, ?> c ? c.get("condition") : "service_started")));
      }
      return out;
    }

    /** The names of the compose secrets this service mounts (at /run/secrets/name). */
    public List<String> secrets() {
      return list(spec.get("secrets")).stream()
          .map(v -> v instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(v))
          .toList();
    }

    public List<Mount> mounts() {
      List<Mount> out = new ArrayList<>();
      for (Object v : list(spec.get("volumes"))) {
        String[] parts = String.valueOf(v).split(":");
        out.add(new Mount(parts[0], parts[1]));
      }
      return out;
    }

    public List<String> ports() {
      return list(spec.get("ports")).stream().map(String::valueOf).toList();
    }

    public Map<String, String> environment() {
      Map<String, String> out = new LinkedHashMap<>();
      map(spec.get("environment")).forEach((k, v) -> out.put(k, String.valueOf(v)));
      return out;
    }

    /**
     * {@code FLINK_PROPERTIES} as the image's entrypoint reads it: one {@code key: value} per line,
     * split at the first colon.
     */
    public Map<String, String> flinkProperties() {
      Map<String, String> out = new LinkedHashMap<>();
      String text = environment().getOrDefault("FLINK_PROPERTIES", "");
      for (String line : text.split("\n")) {
        int colon = line.indexOf(':');
        if (!line.isBlank() && colon > 0) {
          out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
      return out;
    }

    /** The shell script of a {@code bash -ec <script>} command or entrypoint. */
    public String script() {
      List<Object> command = list(spec.get("command"));
      if (command.isEmpty()) {
        throw new IllegalStateException(name + " has no command");
      }
      return String.valueOf(command.get(command.size() - 1));
    }
  }

  /** A {@code host:container[:mode]} volume; {@link #bind()} when the host side is a path. */
  public record Mount(String host, String container) {
    public boolean bind() {
      return host.startsWith("./") || host.startsWith("/");
    }
  }

  /** A topic the init container creates. */
  public record TopicSpec(String name, int partitions, Map<String, String> configs) {}

  /**
   * One {@code flink run} command: {@code arguments} start with {@code run}; {@code guard} is the
   * job name the submitter greps for in {@code flink list -r} before submitting, or null.
   */
  public record FlinkRun(String guard, List<String> arguments) {

    private static final List<String> OPTIONS_WITH_VALUE = List.of("-m", "-c", "-p", "-s");

    public String mainClass() {
      return optionValue("-c").orElseThrow(() -> new IllegalStateException("no -c in " + this));
    }

    public Optional<String> optionValue(String option) {
      int i = arguments.indexOf(option);
      return i < 0 || i + 1 >= jarIndex() ? Optional.empty() : Optional.of(arguments.get(i + 1));
    }

    /** The jar as the container sees it. */
    public String jar() {
      return arguments.get(jarIndex());
    }

    /** The job's own arguments, after the jar. */
    public List<String> jobArguments() {
      return arguments.subList(jarIndex() + 1, arguments.size());
    }

    /** The value of a job argument {@code --key value}. */
    public Optional<String> jobArgument(String key) {
      List<String> args = jobArguments();
      int i = args.indexOf("--" + key);
      return i < 0 || i + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(i + 1));
    }

    /**
     * The same command for another place: {@code -m}, the jar and the job arguments named in {@code
     * jobArguments} replaced.
     */
    public FlinkRun with(String jobManager, String jarPath, Map<String, String> jobArguments) {
      List<String> out = new ArrayList<>(arguments.subList(0, jarIndex()));
      int m = out.indexOf("-m");
      if (m >= 0) {
        out.set(m + 1, jobManager);
      }
      out.add(jarPath);
      List<String> args = new ArrayList<>(jobArguments());
      jobArguments.forEach(
          (key, value) -> {
            int i = args.indexOf("--" + key);
            if (i < 0) {
              throw new IllegalArgumentException("no --" + key + " in " + this);
            }
            args.set(i + 1, value);
          });
      out.addAll(args);
      return new FlinkRun(guard, out);
    }

    /** This command with extra job arguments appended. */
    public FlinkRun plus(String... extra) {
      List<String> out = new ArrayList<>(arguments);
      out.addAll(List.of(extra));
      return new FlinkRun(guard, out);
    }

    private int jarIndex() {
      for (int i = 1; i < arguments.size(); i++) {
        String a = arguments.get(i);
        if (OPTIONS_WITH_VALUE.contains(a)) {
          i++;
        } else if (!a.startsWith("-")) {
          return i;
        }
      }
      throw new IllegalStateException("no jar in flink " + String.join(" ", arguments));
    }
  }

  // ------------------------------------------------------------------ reading

  /** The script's lines with backslash continuations joined and indentation removed. */
  public static List<String> logicalLines(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : script.split("\n")) {
      String line = raw.strip();
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        current.append(line);
        out.add(current.toString().replaceAll("\\s+", " ").trim());
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      out.add(current.toString().trim());
    }
    return out;
  }

  /** {@code KEY=VALUE} lines; blank lines and {@code #} comments skipped. */
  public static Map<String, String> dotEnv(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : read(file).split("\n")) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
        out.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /** Compose's interpolation: {@code ${VAR}} from {@code env}, {@code $$} for a literal dollar. */
  public static String interpolate(String text, Map<String, String> env) {
    String escaped = text.replace("$$", "\u0000");
    Matcher m = VARIABLE.matcher(escaped);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("${" + m.group(1) + "} is set neither in .env nor here");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString().replace("\u0000", "$");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
