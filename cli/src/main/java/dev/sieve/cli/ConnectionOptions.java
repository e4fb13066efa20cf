package dev.sieve.cli;

import dev.sieve.core.config.Durations;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.schemas.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Where Sieve's Kafka and schema registry are, for any cluster: flags, {@code -X key=value}, or a
 * properties file. Kafka client properties (TLS, SASL, tuning) pass through untouched, so whatever
 * a Kafka console client needs to reach a cluster, a Sieve command takes the same way.
 *
 * <p>Precedence: the flags ({@code --bootstrap-servers}, {@code --registry-url}, {@code
 * --topic-prefix}) win over {@code -X}, which wins over {@code --config}. Keys may also carry the
 * jobs' pass-through prefix ({@code kafka.security.protocol}), so a file written for the jobs'
 * {@code --kafka.*} arguments reads the same here. With neither {@code --config} nor {@code
 * --bootstrap-servers}, the settings file {@code ./sieve up} writes ({@code
 * .sieve/sieve.properties} in the working directory) is read when it exists.
 */
public final class ConnectionOptions {

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String REGISTRY_URL = RegistryConfig.URL;
  public static final String TOPIC_PREFIX = "sieve.topic.prefix";

  /** The settings file of {@code ./sieve up} on its default data directory. */
  public static final Path DEFAULT_SETTINGS = Path.of(".sieve", "sieve.properties");

  /** The jobs' pass-through prefix ({@code --kafka.security.protocol}), accepted and dropped. */
  static final String KAFKA_PREFIX = "kafka.";

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "<host:port,...>",
      description = "Kafka bootstrap servers (or bootstrap.servers in --config).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "<url>",
      description =
          "Confluent-compatible schema registry URL (or schema.registry.url in --config).")
  String registryUrl;

  /**
   * The flag as given, then (once {@link #properties()} has run) the effective prefix: the flag,
   * else {@code sieve.topic.prefix}, else {@code sieve.}. Public for the commands in sub-packages
   * that read it after {@link #properties()}; {@link #topicPrefix()} is the safer way.
   */
  @Option(
      names = "--topic-prefix",
      paramLabel = "<prefix>",
      description =
          "Prefix of every Sieve topic (or " + TOPIC_PREFIX + " in --config; default: sieve.).")
  public String topicPrefix;

  @Option(
      names = "--config",
      paramLabel = "<file>",
      description =
          "Properties file: bootstrap.servers, schema.registry.url, "
              + TOPIC_PREFIX
              + ", registry auth and TLS, and any Kafka client property (security.protocol,"
              + " ssl.*, sasl.*). Default: "
              + ".sieve/sieve.properties, written by ./sieve up, when it exists and no"
              + " --bootstrap-servers is given.")
  Path configFile;

  @Option(
      names = {"-X", "--property"},
      paramLabel = "<key=value>",
      description = "One more property, as in --config; may repeat; wins over --config.")
  Map<String, String> extra = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "<duration>",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long to wait for Kafka or the registry to answer before giving up, e.g. 30s, 2m"
              + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** Where the default settings file is looked for; a field so that tests can move it. */
  Path defaultSettings = DEFAULT_SETTINGS;

  private Map<String, String> resolved;

  /**
   * Every property, flags winning over {@code -X} over the file; read once. Fails with a clear
   * message if the file cannot be read or no bootstrap servers are given. The registry URL is
   * checked by the commands that need it ({@link #requireRegistryUrl}).
   */
  public Map<String, String> properties() {
    if (resolved == null) {
      Map<String, String> flags = new LinkedHashMap<>();
      if (bootstrapServers != null) {
        flags.put(BOOTSTRAP_SERVERS, bootstrapServers);
      }
      if (registryUrl != null) {
        flags.put(REGISTRY_URL, registryUrl);
      }
      if (topicPrefix != null) {
        flags.put(TOPIC_PREFIX, topicPrefix);
      }
      Path file = configFile;
      if (file == null && bootstrapServers == null && Files.isRegularFile(defaultSettings)) {
        file = defaultSettings;
      }
      Map<String, String> props = merge(file == null ? Map.of() : readFile(file), extra, flags);
      require(props, BOOTSTRAP_SERVERS, "--bootstrap-servers");
      props.putIfAbsent(TOPIC_PREFIX, Topic.DEFAULT_PREFIX);
      topicPrefix = props.get(TOPIC_PREFIX);
      resolved = Map.copyOf(props);
    }
    return resolved;
  }

  /** The effective topic prefix (see {@link #properties()}). */
  public String topicPrefix() {
    return properties().get(TOPIC_PREFIX);
  }

  /** How long a client may wait for Kafka or the registry. */
  /** Options for a stack this process started itself (the demo), as if given as flags. */
  public static ConnectionOptions of(
      String bootstrapServers, String registryUrl, String topicPrefix, Duration timeout) {
    ConnectionOptions options = new ConnectionOptions();
    options.bootstrapServers = bootstrapServers;
    options.registryUrl = registryUrl;
    options.topicPrefix = topicPrefix;
    options.timeout = timeout;
    return options;
  }

  public Duration timeout() {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The bootstrap servers for an error message: resolved if possible, else as flagged, or null. */
  String bootstrapServersForMessages() {
    return resolved != null ? resolved.get(BOOTSTRAP_SERVERS) : bootstrapServers;
  }

  /**
   * Layers the sources: {@code file}, then {@code extra}, then {@code flags}, each later one
   * winning. Within one source, a plain key wins over its {@code kafka.}-prefixed form. Values are
   * trimmed (a trailing space in a properties file is a classic, invisible mistake).
   */
  static Map<String, String> merge(
      Map<String, String> file, Map<String, String> extra, Map<String, String> flags) {
    Map<String, String> props = new LinkedHashMap<>();
    for (Map<String, String> source : List.of(file, extra, flags)) {
      props.putAll(normalise(source));
    }
    return props;
  }

  private static Map<String, String> normalise(Map<String, String> source) {
    Map<String, String> out = new LinkedHashMap<>();
    source.forEach(
        (k, v) -> {
          String plain = k.substring(Math.min(k.length(), KAFKA_PREFIX.length()));
          if (k.startsWith(KAFKA_PREFIX) && !source.containsKey(plain)) {
            out.put(plain, v == null ? "" : v.strip());
          }
        });
    source.forEach(
        (k, v) -> {
          if (!k.startsWith(KAFKA_PREFIX)) {
            out.put(k.strip(), v == null ? "" : v.strip());
          }
        });
    return out;
  }

  /** Reads a Java properties file; one clear line when it is missing or unreadable. */
  static Map<String, String> readFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new CliException("--config " + file + ": is a directory, not a properties file");
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new CliException("--config " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape in the file
      throw new CliException("--config " + file + ": cannot read it: " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }

  /** The registry URL; fails with the flag to give when there is none. */
  public static String requireRegistryUrl(Map<String, String> props) {
    return require(props, REGISTRY_URL, "--registry-url");
  }

  private static String require(Map<String, String> props, String key, String flag) {
    String value = props.get(key);
    if (value == null || value.isBlank()) {
      throw new CliException("missing " + flag + " (or " + key + " in the --config file)");
    }
    return value;
  }

  /** {@code 30s}, {@code 10m}, {@code 500ms}, {@code 2h}: Flink's duration syntax. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = Durations.parse(value);
      } catch (RuntimeException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration such as 30s, 10m, 500ms or 2h");
      }
      if (d.isNegative() || d.isZero()) {
        throw new TypeConversionException("'" + value + "': the duration must be positive");
      }
      return d;
    }
  }
}
