package dev.sieve.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one JSON request to the registry over {@code java.net.http}, retrying what may heal on its
 * own (connection errors, timeouts, 5xx, 408 and 429 answers) with exponential backoff and jitter,
 * bounded in attempts and in total time, and turning every other error answer into the matching
 * {@link SchemaRegistryException} at once. Jitter keeps the many subtasks of a restarted Flink job
 * from hammering a recovering registry in step.
 */
final class RegistryTransport {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9,"
          + " application/json; q=0.5";

  private final RegistryConfig config;
  private final HttpClient http;
  private final String authorization;
  private final AtomicLong requestsSent = new AtomicLong();

  RegistryTransport(RegistryConfig configured) {
    // Config-provider references become the secrets here, in this process, and only here.
    RegistryConfig config = configured.resolved();
    this.config = config;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(config.requestTimeoutMs()))
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (config.hasTlsStores()) {
      builder.sslContext(SslContexts.of(config));
    }
    this.http = builder.build();
    this.authorization =
        config.basicAuthUserInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
  }

  /** Number of HTTP requests sent so far, retries included. */
  long requestsSent() {
    return requestsSent.get();
  }

  /**
   * Sends {@code method path} with an optional JSON body and returns the parsed answer.
   *
   * @param what what the request is for, in words, for error messages ("registering a schema under
   *     subject 'x'")
   */
  JsonNode send(String method, String path, Object body, String what) {
    String json = toJson(body);
    List<String> urls = config.urls();
    long start = System.nanoTime();
    int attempts = 0;
    Throwable lastCause = null;
    int lastStatus = -1;
    int lastCode = -1;
    while (true) {
      // Rotate through the configured URLs, so a retry may land on a healthy replica.
      String base = urls.get(attempts % urls.size());
      attempts++;
      try {
        requestsSent.incrementAndGet();
        HttpResponse<String> response =
            http.send(request(method, base + path, json), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (!isTransient(status)) {
          return handle(status, response.body(), what, base + path, authorization != null);
        }
        lastStatus = status;
        ErrorBody error = ErrorBody.parse(response.body());
        lastCode = error.code(status);
        lastCause = new IOException("HTTP " + status + ": " + error.message(response.body()));
      } catch (IOException e) {
        // ConnectException, HttpConnectTimeoutException, HttpTimeoutException, a reset: transient
        lastCause = e;
        lastStatus = -1;
        lastCode = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted while " + what, -1, -1, e);
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long delayMs = backoffMs(attempts);
      if (attempts > config.maxRetries() || elapsedMs + delayMs > config.maxRetryTimeMs()) {
        throw new RegistryUnavailableException(
            String.format(
                "Schema registry at %s unavailable while %s: gave up after %d attempt(s) in %d ms"
                    + " (max retries %d, max retry time %d ms); last cause: %s",
                urls.size() == 1 ? urls.get(0) : urls,
                what,
                attempts,
                elapsedMs,
                config.maxRetries(),
                config.maxRetryTimeMs(),
                describe(lastCause)),
            attempts,
            lastCode,
            lastStatus,
            lastCause);
      }
      LOG.warn(
          "Schema registry request failed while {} (attempt {}, retrying in {} ms): {}",
          what,
          attempts,
          delayMs,
          describe(lastCause));
      sleep(delayMs, what);
    }
  }

  /**
   * Answers that say "not now" rather than "no": server errors (a registry restarting behind a
   * proxy, its database away), 408 Request Timeout and 429 Too Many Requests.
   */
  static boolean isTransient(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  private HttpRequest request(String method, String url, String json) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMillis(config.requestTimeoutMs()))
            .header("Accept", ACCEPT)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      builder.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private static JsonNode handle(
      int status, String body, String what, String url, boolean credentialsSent) {
    if (status >= 200 && status < 300) {
      try {
        return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new SchemaRegistryException(
            "unreadable answer from the registry while " + what + " (" + url + "): " + body,
            -1,
            status,
            e);
      }
    }
    throw RegistryErrors.toException(
        status, ErrorBody.parse(body), body, what, url, credentialsSent);
  }

  /** Exponential backoff with ±20 % jitter: base, 2 × base, 4 × base ..., capped. */
  private long backoffMs(int attempt) {
    double exp = config.retryBackoffMs() * Math.pow(2, Math.min(attempt - 1, 30));
    double capped = Math.min(exp, config.retryBackoffMaxMs());
    return Math.round(capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
  }

  /**
   * The exception with the first message found along its causes; java.net.http's ConnectException
   * carries none, so say what it means.
   */
  static String describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        return t == failure ? failure.toString() : failure + " (" + t + ")";
      }
    }
    return failure instanceof ConnectException
        ? failure + ": connection refused (nothing listening, or unreachable)"
        : failure.toString();
  }

  private static void sleep(long millis, String what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while " + what, -1, -1, e);
    }
  }

  private static String toJson(Object body) {
    if (body == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write request body as JSON", e);
    }
  }
}
