package dev.sieve.cli;

import dev.sieve.schemas.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where Sieve's Kafka and schema registry are: flags, or a properties file, for any cluster. Extra
 * client properties (TLS, SASL) pass through untouched.
 */
final class ConnectionOptions {

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (or bootstrap.servers in --config).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      description = "Confluent-compatible schema registry URL (or schema.registry.url in --config).")
  String registryUrl;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topic.DEFAULT_PREFIX,
      description = "Prefix of every Sieve topic (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--config",
      description = "Properties file with Kafka client and registry properties (TLS, SASL, ...).")
  Path configFile;

  @Option(
      names = {"-X", "--property"},
      description = "Extra Kafka client or registry property, key=value; may repeat.")
  Map<String, String> extra = new HashMap<>();

  /** Every property, flags winning over the file. Fails with a clear message if one is missing. */
  Map<String, String> properties() {
    Map<String, String> props = new HashMap<>();
    if (configFile != null) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(configFile)) {
        file.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --config " + configFile + ": " + e, e);
      }
      file.forEach((k, v) -> props.put(k.toString(), v.toString()));
    }
    props.putAll(extra);
    if (bootstrapServers != null) {
      props.put("bootstrap.servers", bootstrapServers);
    }
    if (registryUrl != null) {
      props.put("schema.registry.url", registryUrl);
    }
    require(props, "bootstrap.servers", "--bootstrap-servers");
    require(props, "schema.registry.url", "--registry-url");
    return props;
  }

  private static void require(Map<String, String> props, String key, String flag) {
    if (props.get(key) == null || props.get(key).isBlank()) {
      throw new IllegalArgumentException(
          "missing " + flag + " (or " + key + " in the --config file)");
    }
  }
}
