package dev.sieve.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which configuration values are secret, so that a configuration printed in a log, an error message
 * or the Flink web UI's job configuration never shows them.
 *
 * <p>A key is secret when its name contains {@code password}, {@code secret}, {@code jaas} ({@code
 * sasl.jaas.config}), {@code token}, {@code credential}, {@code passphrase} or {@code user.info}
 * ({@code basic.auth.user.info}); when it names an inline PEM store ({@code ssl.keystore.key},
 * {@code ssl.keystore.certificate.chain}, {@code ssl.truststore.certificates}); or when one of the
 * words of its name is {@code key} (words are separated by {@code .}, {@code -} or {@code _}),
 * except a public key ({@code public} among the words) and the names where {@code key} is followed
 * by a word that says the value is not the key itself: {@code key.serializer}, {@code
 * key.deserializer}, a key id, or a key's file, location, path, type, alias or algorithm. A value
 * holding a PEM private key ({@code -----BEGIN ... PRIVATE KEY-----}) is secret under any name.
 *
 * <p>A value that is nothing but a Kafka config-provider reference ({@code
 * ${file:/run/secrets/kafka.properties:password}}) is shown as it is: it names where the secret is,
 * not the secret.
 */
public final class Secrets {

  /** What a secret value is shown as. */
  public static final String MASK = "******";

  private static final Pattern SECRET_WORD =
      Pattern.compile("password|secret|jaas|token|credential|passphrase|user\\.info");

  private static final Set<String> INLINE_PEM =
      Set.of("ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.truststore.certificates");

  /** Words after {@code key} that make the value something other than the key itself. */
  private static final Set<String> NOT_THE_KEY =
      Set.of(
          "serializer",
          "deserializer",
          "id",
          "ids",
          "file",
          "location",
          "path",
          "type",
          "alias",
          "algorithm",
          "format",
          "size");

  private static final Pattern WORD_SEPARATOR = Pattern.compile("[._\\-]");

  /** One whole config-provider reference, {@code ${provider:[path:]key}}, and nothing else. */
  private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{[^}]+:[^}]+}");

  private Secrets() {}

  /** Whether values under {@code key} are secret (see the class comment). */
  public static boolean isSecretKey(String key) {
    if (key == null) {
      return false;
    }
    String k = key.toLowerCase(Locale.ROOT);
    if (SECRET_WORD.matcher(k).find()) {
      return true;
    }
    for (String pem : INLINE_PEM) {
      if (k.equals(pem) || k.endsWith("." + pem)) {
        return true;
      }
    }
    List<String> words = List.of(WORD_SEPARATOR.split(k));
    if (words.contains("public")) {
      return false;
    }
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.equals("key") || word.equals("privatekey") || word.equals("apikey")) {
        if (i == words.size() - 1 || !NOT_THE_KEY.contains(words.get(i + 1))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code value} holds a PEM private key. */
  public static boolean isPrivateKeyPem(String value) {
    return value != null && value.contains("-----BEGIN") && value.contains("PRIVATE KEY");
  }

  /**
   * {@code value} as it may be shown: {@link #MASK} when the key or the value is secret, unless the
   * value is only a config-provider reference.
   */
  public static String mask(String key, String value) {
    if (value == null) {
      return null;
    }
    if (PROVIDER_REFERENCE.matcher(value.strip()).matches()) {
      return value;
    }
    return isSecretKey(key) || isPrivateKeyPem(value) ? MASK : value;
  }
}
