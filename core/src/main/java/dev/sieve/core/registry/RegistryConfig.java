package dev.sieve.core.registry;

import java.io.Serializable;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Everything needed to talk to a schema registry: its URL(s), credentials, TLS stores and the retry
 * policy. It is {@link Serializable} so that Flink functions can carry it to the task managers and
 * build their client in {@code open()}. {@link #fromProperties} reads Confluent's own property
 * names, so a Kafka client configuration that works with Confluent's serializers works here too.
 *
 * <p>Retries: a request that fails to connect, times out, or gets a 5xx answer is retried up to
 * {@code maxRetries} times, waiting {@code retryBackoffMs}, then twice as long each time (capped at
 * {@code retryBackoffMaxMs}), and never past {@code maxRetryTimeMs} in total; other errors are
 * answers and are not retried.
 *
 * @param urls registry base URLs (for Apicurio, the {@code /apis/ccompat/v7} URL); retries rotate
 *     through them
 *     <p>Secrets may stay out of the configuration: {@code basic.auth.user.info} and the store
 *     passwords may be Kafka config-provider references ({@code
 *     ${file:/run/secrets/registry.properties:user.info}}, {@code ${env:REGISTRY_USER_INFO}}), with
 *     the providers declared as for a Kafka client ({@code config.providers=file,env}, {@code
 *     config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider}).
 *     They are resolved by {@link #resolved()} when a client is built (on the task manager, for a
 *     job), so the secret itself never travels with the job or shows in its configuration.
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null
 * @param configProviders the {@code config.providers*} settings, or empty
 */
public record RegistryConfig(
    List<String> urls,
    String basicAuthUserInfo,
    String truststoreLocation,
    String truststorePassword,
    String truststoreType,
    String keystoreLocation,
    String keystorePassword,
    String keystoreType,
    String keyPassword,
    int maxRetries,
    long retryBackoffMs,
    long retryBackoffMaxMs,
    long requestTimeoutMs,
    long maxRetryTimeMs,
    Map<String, String> configProviders)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String PREFIXED_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
  public static final String CONFIG_PROVIDERS = "config.providers";
  public static final String MAX_RETRIES = "sieve.registry.max.retries";
  public static final String RETRY_BACKOFF_MS = "sieve.registry.retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "sieve.registry.retry.backoff.max.ms";
  public static final String REQUEST_TIMEOUT_MS = "sieve.registry.request.timeout.ms";
  public static final String MAX_RETRY_TIME_MS = "sieve.registry.max.retry.time.ms";

  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 100;
  public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_MAX_RETRY_TIME_MS = 30_000;
  public static final String DEFAULT_STORE_TYPE = "PKCS12";

  public RegistryConfig {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException(URL + " is required");
    }
    List<String> clean = new ArrayList<>();
    for (String url : urls) {
      clean.add(checkUrl(url));
    }
    urls = List.copyOf(clean);
    if (basicAuthUserInfo != null
        && !basicAuthUserInfo.contains(":")
        && !basicAuthUserInfo.contains("${")) {
      throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
    }
    truststoreType = truststoreType == null ? DEFAULT_STORE_TYPE : truststoreType;
    configProviders = configProviders == null ? Map.of() : Map.copyOf(configProviders);
    keystoreType = keystoreType == null ? DEFAULT_STORE_TYPE : keystoreType;
    if (maxRetries < 0
        || retryBackoffMs < 0
        || retryBackoffMaxMs < retryBackoffMs
        || requestTimeoutMs <= 0
        || maxRetryTimeMs < 0) {
      throw new IllegalArgumentException(
          "invalid retry settings: maxRetries="
              + maxRetries
              + " retryBackoffMs="
              + retryBackoffMs
              + " retryBackoffMaxMs="
              + retryBackoffMaxMs
              + " requestTimeoutMs="
              + requestTimeoutMs
              + " maxRetryTimeMs="
              + maxRetryTimeMs);
    }
  }

  /** A plain-HTTP configuration with the default retry policy. */
  public static RegistryConfig forUrl(String url) {
    return new RegistryConfig(
        List.of(url),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        DEFAULT_MAX_RETRIES,
        DEFAULT_RETRY_BACKOFF_MS,
        DEFAULT_RETRY_BACKOFF_MAX_MS,
        DEFAULT_REQUEST_TIMEOUT_MS,
        DEFAULT_MAX_RETRY_TIME_MS,
        Map.of());
  }

  /** This configuration with another retry policy. */
  public RegistryConfig withRetries(
      int maxRetries, long retryBackoffMs, long requestTimeoutMs, long maxRetryTimeMs) {
    return new RegistryConfig(
        urls,
        basicAuthUserInfo,
        truststoreLocation,
        truststorePassword,
        truststoreType,
        keystoreLocation,
        keystorePassword,
        keystoreType,
        keyPassword,
        maxRetries,
        retryBackoffMs,
        Math.max(retryBackoffMs, retryBackoffMaxMs),
        requestTimeoutMs,
        maxRetryTimeMs,
        configProviders);
  }

  /** This configuration with HTTP basic auth ({@code user:password}). */
  public RegistryConfig withBasicAuth(String userInfo) {
    return new RegistryConfig(
        urls,
        userInfo,
        truststoreLocation,
        truststorePassword,
        truststoreType,
        keystoreLocation,
        keystorePassword,
        keystoreType,
        keyPassword,
        maxRetries,
        retryBackoffMs,
        retryBackoffMaxMs,
        requestTimeoutMs,
        maxRetryTimeMs,
        configProviders);
  }

  /** This configuration with a truststore (and optionally a keystore, for mutual TLS). */
  public RegistryConfig withTls(
      String truststoreLocation,
      String truststorePassword,
      String truststoreType,
      String keystoreLocation,
      String keystorePassword,
      String keystoreType) {
    return new RegistryConfig(
        urls,
        basicAuthUserInfo,
        truststoreLocation,
        truststorePassword,
        truststoreType,
        keystoreLocation,
        keystorePassword,
        keystoreType,
        keyPassword,
        maxRetries,
        retryBackoffMs,
        retryBackoffMaxMs,
        requestTimeoutMs,
        maxRetryTimeMs,
        configProviders);
  }

  /**
   * Reads a configuration from Confluent's property names (as given to a Kafka serializer) plus
   * Sieve's retry settings; see the constants of this class. Unknown keys are ignored, so a whole
   * Kafka client configuration may be passed.
   *
   * <p>{@code basic.auth.credentials.source} is {@code USER_INFO} (credentials from {@code
   * basic.auth.user.info}) or {@code URL} (credentials in the URL, {@code http://user:pw@host});
   * when absent, {@code basic.auth.user.info} is used if set. {@code SASL_INHERIT} is not
   * supported.
   *
   * @throws IllegalArgumentException if the URL is missing or a value does not parse
   */
  public static RegistryConfig fromProperties(Map<String, ?> props) {
    String urlList = string(props, URL);
    if (urlList == null) {
      throw new IllegalArgumentException(URL + " is required");
    }
    List<String> urls = new ArrayList<>();
    for (String url : urlList.split(",")) {
      if (!url.isBlank()) {
        urls.add(url.trim());
      }
    }
    String userInfo = string(props, BASIC_AUTH_USER_INFO);
    if (userInfo == null) {
      userInfo = string(props, PREFIXED_BASIC_AUTH_USER_INFO);
    }
    String source = string(props, BASIC_AUTH_CREDENTIALS_SOURCE);
    if (source != null) {
      switch (source.toUpperCase(Locale.ROOT)) {
        case "USER_INFO" -> {
          if (userInfo == null) {
            throw new IllegalArgumentException(
                BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO);
          }
        }
        case "URL" -> {
          // Credentials travel in the URL; take them out so they are never logged with it.
          userInfo = null;
          for (int i = 0; i < urls.size(); i++) {
            URI uri = URI.create(urls.get(i));
            if (uri.getRawUserInfo() != null) {
              userInfo = decode(uri.getRawUserInfo());
              urls.set(i, urls.get(i).replace(uri.getRawUserInfo() + "@", ""));
            }
          }
        }
        default ->
            throw new IllegalArgumentException(
                BASIC_AUTH_CREDENTIALS_SOURCE
                    + "="
                    + source
                    + " is not supported (USER_INFO or URL)");
      }
    }
    return new RegistryConfig(
        urls,
        userInfo,
        string(props, TRUSTSTORE_LOCATION),
        string(props, TRUSTSTORE_PASSWORD),
        string(props, TRUSTSTORE_TYPE),
        string(props, KEYSTORE_LOCATION),
        string(props, KEYSTORE_PASSWORD),
        string(props, KEYSTORE_TYPE),
        string(props, KEY_PASSWORD),
        (int) number(props, MAX_RETRIES, DEFAULT_MAX_RETRIES),
        number(props, RETRY_BACKOFF_MS, DEFAULT_RETRY_BACKOFF_MS),
        number(props, RETRY_BACKOFF_MAX_MS, DEFAULT_RETRY_BACKOFF_MAX_MS),
        number(props, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
        number(props, MAX_RETRY_TIME_MS, DEFAULT_MAX_RETRY_TIME_MS),
        configProviders(props));
  }

  /** The {@code config.providers*} entries of {@code props}. */
  private static Map<String, String> configProviders(Map<String, ?> props) {
    Map<String, String> out = new TreeMap<>();
    props.forEach(
        (k, v) -> {
          if (k.startsWith(CONFIG_PROVIDERS) && v != null) {
            out.put(k, v instanceof Password p ? p.value() : String.valueOf(v).trim());
          }
        });
    return out;
  }

  /**
   * This configuration with every config-provider reference in the credentials and store passwords
   * replaced by what it points to, read now through Kafka's own config providers (Kafka's {@code
   * org.apache.kafka.automatic.config.providers} system property applies, as for a Kafka client).
   * Itself when there is nothing to resolve.
   *
   * @throws IllegalArgumentException if a reference cannot be resolved (a missing file, key or
   *     variable), naming the setting but not its value
   */
  public RegistryConfig resolved() {
    Map<String, String> secrets = new HashMap<>();
    putIfReference(secrets, BASIC_AUTH_USER_INFO, basicAuthUserInfo);
    putIfReference(secrets, TRUSTSTORE_PASSWORD, truststorePassword);
    putIfReference(secrets, KEYSTORE_PASSWORD, keystorePassword);
    putIfReference(secrets, KEY_PASSWORD, keyPassword);
    if (secrets.isEmpty()) {
      return this;
    }
    if (configProviders.isEmpty()) {
      throw new IllegalArgumentException(
          secrets.keySet()
              + " hold a config-provider reference, but no "
              + CONFIG_PROVIDERS
              + " are declared");
    }
    Map<String, Object> props = new HashMap<>(configProviders);
    props.putAll(secrets);
    Map<String, Object> values;
    try {
      values = new AbstractConfig(new ConfigDef(), props, false).originals();
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new IllegalArgumentException(
          secrets.keySet()
              + ": a config-provider reference could not be resolved: "
              + e.getMessage(),
          e);
    }
    for (String key : secrets.keySet()) {
      Object value = values.get(key);
      if (value == null || String.valueOf(value).contains("${")) {
        throw new IllegalArgumentException(
            key + ": its config-provider reference could not be resolved");
      }
    }
    return new RegistryConfig(
        urls,
        resolvedOr(values, BASIC_AUTH_USER_INFO, basicAuthUserInfo),
        truststoreLocation,
        resolvedOr(values, TRUSTSTORE_PASSWORD, truststorePassword),
        truststoreType,
        keystoreLocation,
        resolvedOr(values, KEYSTORE_PASSWORD, keystorePassword),
        keystoreType,
        resolvedOr(values, KEY_PASSWORD, keyPassword),
        maxRetries,
        retryBackoffMs,
        retryBackoffMaxMs,
        requestTimeoutMs,
        maxRetryTimeMs,
        Map.of());
  }

  private static void putIfReference(Map<String, String> out, String key, String value) {
    if (value != null && value.contains("${")) {
      out.put(key, value);
    }
  }

  private static String resolvedOr(Map<String, Object> values, String key, String fallback) {
    Object value = values.get(key);
    return value == null ? fallback : String.valueOf(value);
  }

  /** Whether the client needs an {@code SSLContext} of its own (stores configured). */
  public boolean hasTlsStores() {
    return truststoreLocation != null || keystoreLocation != null;
  }

  /** Passwords and credentials are masked: configurations end up in logs. */
  @Override
  public String toString() {
    return "RegistryConfig[urls="
        + urls
        + ", basicAuth="
        + (basicAuthUserInfo == null
            ? "none"
            : basicAuthUserInfo.strip().startsWith("${")
                ? basicAuthUserInfo
                : basicAuthUserInfo.split(":", 2)[0] + ":******")
        + ", truststore="
        + (truststoreLocation == null ? "none" : truststoreLocation + " (" + truststoreType + ")")
        + ", keystore="
        + (keystoreLocation == null ? "none" : keystoreLocation + " (" + keystoreType + ")")
        + ", maxRetries="
        + maxRetries
        + ", retryBackoffMs="
        + retryBackoffMs
        + ", retryBackoffMaxMs="
        + retryBackoffMaxMs
        + ", requestTimeoutMs="
        + requestTimeoutMs
        + ", maxRetryTimeMs="
        + maxRetryTimeMs
        + "]";
  }

  private static String checkUrl(String url) {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException(URL + " must be an http(s) URL, got: " + url);
    }
    URI.create(url); // fails fast on a malformed URL
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String string(Map<String, ?> props, String key) {
    Object value = props.get(key);
    if (value == null) {
      return null;
    }
    String s = value instanceof Password p ? p.value() : String.valueOf(value).trim();
    return s.isEmpty() ? null : s;
  }

  private static long number(Map<String, ?> props, String key, long defaultValue) {
    String value = string(props, key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got: " + value, e);
    }
  }
}
