package dev.sieve.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A Java properties file of client settings, as {@code --kafka-properties FILE} names it: Kafka
 * client properties ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, tuning), Kafka
 * config providers ({@code config.providers=file,env} and their {@code config.providers.*}
 * settings), and the registry client's properties under Confluent's names ({@code
 * schema.registry.*}, {@code basic.auth.*}).
 *
 * <p>The file is read where the job is submitted; config-provider references in it ({@code
 * ${file:/run/secrets/kafka.properties:password}}) are kept as they are and resolved by each Kafka
 * client (and by the registry client) when it is created on the task manager, so the secrets they
 * point to are never part of the job, its arguments or its configuration.
 */
public final class ClientPropertiesFile {

  private ClientPropertiesFile() {}

  /** The file's properties, values trimmed; fails with one clear line naming {@code flag}. */
  public static Map<String, String> read(Path file, String flag) {
    if (Files.isDirectory(file)) {
      throw new ConfigException(flag + " " + file + ": is a directory, not a properties file");
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException(flag + " " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape in the file
      throw new ConfigException(flag + " " + file + ": cannot read it: " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k.strip(), props.getProperty(k).strip()));
    return new LinkedHashMap<>(out);
  }

  /** Whether a key configures the schema registry client rather than Kafka. */
  public static boolean isRegistryKey(String key) {
    return key.startsWith("schema.registry.") || key.startsWith("basic.auth.");
  }

  /** Whether a key declares Kafka config providers (used by Kafka and the registry client). */
  public static boolean isConfigProviderKey(String key) {
    return key.startsWith("config.providers");
  }
}
