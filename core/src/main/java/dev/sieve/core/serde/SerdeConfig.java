package dev.sieve.core.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serde's own configuration keys beside the registry's ({@code schema.registry.url} and the
 * others read by {@code RegistryConfig.fromProperties}), and the reflection that turns a class name
 * from a Kafka configuration into a record class.
 */
public final class SerdeConfig {

  /** Fully qualified name of the generated Avro class values are read as (and written from). */
  public static final String VALUE_TYPE = "sieve.value.type";

  /** The same for keys, when the serde is configured as a key serde. */
  public static final String KEY_TYPE = "sieve.key.type";

  /** Confluent's switch: register missing schemas when serializing (default true). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  private SerdeConfig() {}

  static boolean autoRegister(Map<String, ?> configs) {
    Object value = configs.get(AUTO_REGISTER_SCHEMAS);
    return value == null || Boolean.parseBoolean(String.valueOf(value).trim());
  }

  @SuppressWarnings("unchecked")
  static <T extends SpecificRecord> Class<T> recordType(Map<String, ?> configs, boolean isKey) {
    String key = isKey ? KEY_TYPE : VALUE_TYPE;
    Object value = configs.get(key);
    if (value instanceof Class<?> cls) {
      return checked(cls, key);
    }
    if (value == null || String.valueOf(value).isBlank()) {
      throw new IllegalArgumentException(
          key
              + " is required: the generated Avro class to read, e.g."
              + " dev.sieve.schemas.ContentEvent");
    }
    String name = String.valueOf(value).trim();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return (Class<T>)
          checked(
              Class.forName(
                  name, true, loader != null ? loader : SerdeConfig.class.getClassLoader()),
              key);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(key + "=" + name + ": class not found", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> Class<T> checked(Class<?> cls, String key) {
    if (!SpecificRecord.class.isAssignableFrom(cls)) {
      throw new IllegalArgumentException(
          key + "=" + cls.getName() + " is not a generated Avro class (SpecificRecord)");
    }
    return (Class<T>) cls;
  }
}
