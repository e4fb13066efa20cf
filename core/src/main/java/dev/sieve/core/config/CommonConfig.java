package dev.sieve.core.config;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.schemas.Topic;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The part of every Sieve job's configuration that is about Kafka, the schema registry and
 * checkpointing. Each job's own config record holds one of these next to its job-specific keys and
 * parses it with {@link #from(JobArguments, String)}.
 *
 * <p>Serializable and immutable, so operators and sinks may carry it to the task managers.
 * Credentials never appear in {@link #toString()} or {@link #describe()}.
 *
 * @param jobName short job name ({@code ingest}); the default consumer group and transactional id
 *     prefix derive from it
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port…]}
 * @param registry schema registry client configuration
 * @param topicPrefix prefix of every topic name ({@code sieve.})
 * @param delivery {@link DeliveryGuarantee#EXACTLY_ONCE} or {@link DeliveryGuarantee#AT_LEAST_ONCE}
 * @param checkpointInterval how often Flink checkpoints; with exactly-once delivery, also how often
 *     output becomes visible to {@code read_committed} consumers
 * @param groupId Kafka consumer group of the job's sources (offsets are committed on checkpoints,
 *     for monitoring; Flink restores from its own checkpointed offsets)
 * @param transactionalIdPrefix prefix of the Kafka transactional ids of the job's exactly-once
 *     sinks; must be unique per job in the cluster
 * @param kafkaProperties extra Kafka client properties (TLS, SASL, tuning) given to every consumer
 *     and producer of the job
 */
public record CommonConfig(
    String jobName,
    String bootstrapServers,
    RegistryConfig registry,
    String topicPrefix,
    DeliveryGuarantee delivery,
    Duration checkpointInterval,
    String groupId,
    String transactionalIdPrefix,
    Map<String, String> kafkaProperties)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
  public static final String REGISTRY_URL = "registry-url";
  public static final String TOPIC_PREFIX = "topic-prefix";
  public static final String DELIVERY = "delivery";
  public static final String CHECKPOINT_INTERVAL = "checkpoint-interval";
  public static final String GROUP_ID = "group-id";
  public static final String TRANSACTIONAL_ID_PREFIX = "transactional-id-prefix";

  /**
   * A properties file of Kafka client (and registry client) settings: see {@link
   * ClientPropertiesFile}. {@code --kafka.*} and {@code --registry.*} arguments win over it.
   */
  public static final String KAFKA_PROPERTIES = "kafka-properties";

  /** Pass-through prefix: {@code --kafka.security.protocol=SSL} sets {@code security.protocol}. */
  public static final String KAFKA_PREFIX = "kafka.";

  /**
   * Pass-through prefix for the registry client, with Confluent's property names: {@code
   * --registry.basic.auth.user.info=user:secret}.
   */
  public static final String REGISTRY_PREFIX = "registry.";

  public static final String EXACTLY_ONCE = "exactly-once";
  public static final String AT_LEAST_ONCE = "at-least-once";

  /**
   * Short enough that exactly-once output is visible within seconds, long enough that a checkpoint
   * (RocksDB incremental + Kafka transaction commit) is a small share of the time.
   */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  private static final Pattern SERVER = Pattern.compile("[^\\s,:]+:\\d{1,5}");

  public CommonConfig {
    requireText(jobName, "jobName");
    requireText(bootstrapServers, BOOTSTRAP_SERVERS);
    for (String server : bootstrapServers.split(",")) {
      if (!SERVER.matcher(server.trim()).matches()) {
        throw new ConfigException(
            "--"
                + BOOTSTRAP_SERVERS
                + " must be host:port[,host:port...], got: "
                + bootstrapServers);
      }
    }
    if (registry == null) {
      throw new ConfigException("missing required argument --" + REGISTRY_URL);
    }
    if (topicPrefix == null) {
      throw new ConfigException("--" + TOPIC_PREFIX + " must not be null");
    }
    if (delivery != DeliveryGuarantee.EXACTLY_ONCE && delivery != DeliveryGuarantee.AT_LEAST_ONCE) {
      // NONE could lose records, which would break "nothing is silently dropped".
      throw new ConfigException(
          "--"
              + DELIVERY
              + " must be "
              + EXACTLY_ONCE
              + " or "
              + AT_LEAST_ONCE
              + ", got: "
              + delivery);
    }
    if (checkpointInterval == null
        || checkpointInterval.isZero()
        || checkpointInterval.isNegative()) {
      throw new ConfigException("--" + CHECKPOINT_INTERVAL + " must be positive");
    }
    requireText(groupId, GROUP_ID);
    requireText(transactionalIdPrefix, TRANSACTIONAL_ID_PREFIX);
    kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
  }

  /**
   * Reads the common keys ({@code --bootstrap-servers} and {@code --registry-url} are required),
   * the {@code --kafka-properties} file and the {@code --kafka.*} and {@code --registry.*}
   * pass-through groups.
   */
  public static CommonConfig from(JobArguments args, String jobName) {
    String bootstrapServers = args.required(BOOTSTRAP_SERVERS);
    Map<String, String> kafkaProps = new LinkedHashMap<>();
    Map<String, String> registryProps = new LinkedHashMap<>();
    String file = args.optional(KAFKA_PROPERTIES);
    if (file != null) {
      ClientPropertiesFile.read(Path.of(file), "--" + KAFKA_PROPERTIES)
          .forEach(
              (k, v) -> {
                if (ClientPropertiesFile.isRegistryKey(k)) {
                  registryProps.put(k, v);
                } else {
                  kafkaProps.put(k, v);
                  if (ClientPropertiesFile.isConfigProviderKey(k)) {
                    registryProps.put(k, v);
                  }
                }
              });
    }
    kafkaProps.putAll(args.withPrefix(KAFKA_PREFIX));
    registryProps.putAll(args.withPrefix(REGISTRY_PREFIX));
    registryProps.put(RegistryConfig.URL, args.required(REGISTRY_URL));
    RegistryConfig registry;
    try {
      registry = RegistryConfig.fromProperties(registryProps);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("registry configuration: " + e.getMessage(), e);
    }
    String prefix = args.string(TOPIC_PREFIX, Topic.DEFAULT_PREFIX);
    String delivery = args.oneOf(DELIVERY, EXACTLY_ONCE, List.of(EXACTLY_ONCE, AT_LEAST_ONCE));
    return new CommonConfig(
        jobName,
        bootstrapServers,
        registry,
        prefix,
        EXACTLY_ONCE.equals(delivery)
            ? DeliveryGuarantee.EXACTLY_ONCE
            : DeliveryGuarantee.AT_LEAST_ONCE,
        args.duration(CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL),
        args.string(GROUP_ID, prefix + jobName),
        args.string(TRANSACTIONAL_ID_PREFIX, prefix + jobName),
        kafkaProps);
  }

  /** The name of {@code topic} under this deployment's prefix. */
  public String topic(Topic<?, ?> topic) {
    return topic.name(topicPrefix);
  }

  public boolean exactlyOnce() {
    return delivery == DeliveryGuarantee.EXACTLY_ONCE;
  }

  /** A fresh copy of the pass-through Kafka properties plus the bootstrap servers. */
  public Properties kafkaClientProperties() {
    Properties props = new Properties();
    props.putAll(kafkaProperties);
    props.setProperty("bootstrap.servers", bootstrapServers);
    return props;
  }

  /**
   * The configuration as flat {@code key → value} strings with secrets masked, for logs and UIs.
   */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("job", jobName);
    out.put(BOOTSTRAP_SERVERS, bootstrapServers);
    out.put("registry", registry.toString());
    out.put(TOPIC_PREFIX, topicPrefix);
    out.put(DELIVERY, exactlyOnce() ? EXACTLY_ONCE : AT_LEAST_ONCE);
    out.put(CHECKPOINT_INTERVAL, checkpointInterval.toString());
    out.put(GROUP_ID, groupId);
    out.put(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
    kafkaProperties.forEach((k, v) -> out.put(KAFKA_PREFIX + k, mask(k, v)));
    return out;
  }

  @Override
  public String toString() {
    return "CommonConfig" + describe();
  }

  private static String mask(String key, String value) {
    return Secrets.mask(key, value);
  }

  private static void requireText(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new ConfigException("missing required argument --" + key);
    }
  }
}
