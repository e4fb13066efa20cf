package dev.sieve.cli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.CliException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sieve's jobs as Flink's REST API lists them ({@code GET /jobs/overview}), read with the JDK's
 * HTTP client so the operator CLI needs no Flink jar. A session cluster keeps finished runs in the
 * overview too; per job name only the most recently started run is kept, which is the one that says
 * how the job is doing now.
 */
final class FlinkJobs {

  /**
   * The prefix of every Sieve job's name ({@code sieve ingest-job}, {@code sieve inference-job},
   * ...).
   */
  static final String NAME_PREFIX = "sieve ";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FlinkJobs() {}

  /**
   * One job run.
   *
   * @param startTimeMs when it started (epoch ms)
   * @param durationMs how long it has been running, or ran (Flink's {@code duration})
   */
  record Job(String name, String state, long startTimeMs, long durationMs) {}

  /**
   * Asks Flink at {@code baseUrl} for its jobs; fails with one line when it does not answer,
   * answers with an error status, or answers with something that is not a job overview.
   */
  static List<Job> fetch(String baseUrl, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(baseUrl.replaceAll("/+$", "") + "/jobs/overview");
    } catch (IllegalArgumentException e) {
      throw new CliException("--flink-url " + baseUrl + " is not a URL: " + e.getMessage());
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new CliException(
          "no answer from Flink's REST API at "
              + baseUrl
              + " within "
              + timeout.toSeconds()
              + " s");
    } catch (IOException e) {
      throw new CliException(
          "cannot reach Flink's REST API at "
              + baseUrl
              + ": "
              + (e instanceof ConnectException
                  ? "connection refused (nothing listening, or unreachable)"
                  : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + " (is the JobManager running, and is this its REST address, e.g."
              + " http://host:8081?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while asking Flink at " + baseUrl);
    } catch (IllegalArgumentException e) {
      throw new CliException("--flink-url " + baseUrl + " is not an http(s) URL");
    }
    if (response.statusCode() != 200) {
      throw new CliException(
          "Flink's REST API at " + uri + " answered HTTP " + response.statusCode());
    }
    return parse(response.body(), uri.toString());
  }

  /** Sieve's jobs in an overview, the latest run of each name, sorted by name. */
  static List<Job> parse(String body, String source) {
    JsonNode jobs;
    try {
      jobs = JSON.readTree(body).path("jobs");
    } catch (JsonProcessingException e) {
      throw new CliException(source + " did not answer with JSON: " + e.getOriginalMessage());
    }
    if (!jobs.isArray()) {
      throw new CliException(source + " did not answer with a job overview (no \"jobs\" list)");
    }
    Map<String, Job> latest = new LinkedHashMap<>();
    for (JsonNode node : jobs) {
      String name = node.path("name").asText("");
      if (!name.startsWith(NAME_PREFIX)) {
        continue;
      }
      Job job =
          new Job(
              name,
              node.path("state").asText("UNKNOWN"),
              node.path("start-time").asLong(-1),
              node.path("duration").asLong(-1));
      latest.merge(name, job, (a, b) -> a.startTimeMs() >= b.startTimeMs() ? a : b);
    }
    List<Job> out = new ArrayList<>(latest.values());
    out.sort(Comparator.comparing(Job::name));
    return out;
  }
}
