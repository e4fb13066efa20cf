package dev.sieve.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the {@link SSLContext} of a registry client from the truststore and keystore named in a
 * {@link RegistryConfig}. Without a truststore the JVM's default trust (cacerts) applies; the
 * keystore is only needed when the registry asks for client certificates (mutual TLS).
 */
final class SslContexts {

  private SslContexts() {}

  static SSLContext of(RegistryConfig config) {
    try {
      TrustManagerFactory tmf = null;
      if (config.truststoreLocation() != null) {
        KeyStore trust =
            load(
                config.truststoreLocation(),
                config.truststorePassword(),
                config.truststoreType(),
                "truststore");
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (config.keystoreLocation() != null) {
        KeyStore keys =
            load(
                config.keystoreLocation(),
                config.keystorePassword(),
                config.keystoreType(),
                "keystore");
        String keyPassword =
            config.keyPassword() != null ? config.keyPassword() : config.keystorePassword();
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, chars(keyPassword));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build the registry's TLS context: " + e, e);
    }
  }

  private static KeyStore load(String location, String password, String type, String what)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, chars(password));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the registry " + what + " " + location + " (" + type + "): " + e, e);
    }
    return store;
  }

  private static char[] chars(String password) {
    return password == null ? null : password.toCharArray();
  }
}
