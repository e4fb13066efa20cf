package dev.sieve.inference.scoring;

import dev.sieve.model.HeadFeatures;
import dev.sieve.schemas.ModelVersion;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The classifiers a subtask serves: for each classifier name, the accepted {@link ModelVersion}
 * (metadata and head bytes) and its loaded {@link Head}. Replacing a version closes the old head,
 * so native memory does not leak across swaps. Not thread-safe: Flink calls an operator from one
 * thread.
 */
public final class ServingModels implements AutoCloseable {

  /** One served classifier. */
  public record Serving(ModelVersion version, Head head) {

    public String classifier() {
      return version.getClassifier();
    }

    public int number() {
      return version.getVersion();
    }

    /**
     * Id of the embedding network the head reads ({@code ModelVersion.embeddingModelId}); null for
     * a head that reads lexical features only.
     */
    public String network() {
      return ServingModels.network(version);
    }
  }

  // Sorted, so every subtask scores classifiers in the same order (stable, readable output).
  private final Map<String, Serving> byClassifier = new TreeMap<>();

  /**
   * Whether {@code candidate} is newer than what serves its classifier. Versions only move forward:
   * a version at or below the serving one is a replay (the compacted topic re-read, a duplicate); a
   * rollback is published as a new, higher version whose head is an older one, so it passes.
   */
  public boolean isNewer(ModelVersion candidate) {
    Serving current = byClassifier.get(candidate.getClassifier());
    return current == null || candidate.getVersion() > current.number();
  }

  /** The version serving {@code classifier}, or null when it has none yet. */
  public Integer versionOf(String classifier) {
    Serving current = byClassifier.get(classifier);
    return current == null ? null : current.number();
  }

  /** Serves {@code head} for {@code version}'s classifier from now on; closes the replaced head. */
  public void swap(ModelVersion version, Head head) {
    Objects.requireNonNull(head, "head");
    Serving previous = byClassifier.put(version.getClassifier(), new Serving(version, head));
    if (previous != null && previous.head() != head) {
      previous.head().close();
    }
  }

  /** Every served classifier, by name. */
  public Collection<Serving> all() {
    return Collections.unmodifiableCollection(byClassifier.values());
  }

  /** Ids of the embedding networks the served versions read, in classifier order, each once. */
  public Set<String> networksInUse() {
    Set<String> out = new LinkedHashSet<>();
    byClassifier.values().stream().map(Serving::network).filter(Objects::nonNull).forEach(out::add);
    return out;
  }

  /** The network a version's head reads, or null when it reads lexical features only. */
  public static String network(ModelVersion version) {
    CharSequence features = version.getFeatures();
    return HeadFeatures.byId(features == null ? "" : features.toString()).needsEmbedding()
        ? version.getEmbeddingModelId()
        : null;
  }

  public boolean isEmpty() {
    return byClassifier.isEmpty();
  }

  @Override
  public void close() {
    byClassifier.values().forEach(s -> s.head().close());
    byClassifier.clear();
  }
}
