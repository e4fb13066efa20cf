package dev.sieve.inference.scoring;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The embedding networks one subtask holds: the primary one (whose embedding goes into {@code
 * ScoredContent}), acquired at once and held until {@link #close()}, and any other that an accepted
 * version names, acquired on the first such version and released once no served version names it
 * any more. Each is a counted reference on the JVM's shared copy, so the network itself is loaded
 * once per JVM and closes when its last holder releases it. Not thread-safe: Flink calls an
 * operator from one thread.
 */
public final class EmbeddingNetworks implements AutoCloseable {

  private final String primary;
  private final Function<String, Embedder> acquire;
  // Insertion order: the primary first, then in order of first use (a stable embedding order).
  private final Map<String, Embedder> held = new LinkedHashMap<>();

  /** Acquires {@code primary} through {@code acquire} at once. */
  public EmbeddingNetworks(String primary, Function<String, Embedder> acquire) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.acquire = Objects.requireNonNull(acquire, "acquire");
    held.put(primary, acquire.apply(primary));
  }

  /** The networks of {@code runtime}, its primary one acquired. */
  public static EmbeddingNetworks of(ModelRuntime runtime) {
    return new EmbeddingNetworks(runtime.primaryNetwork(), runtime::acquireEmbedder);
  }

  public String primaryId() {
    return primary;
  }

  public Embedder primary() {
    return held.get(primary);
  }

  /**
   * The network {@code id}, acquired (loaded, if no one in the JVM holds it) if this subtask does
   * not hold it yet. An unknown id or a failed load throws, and nothing changes.
   */
  public Embedder require(String id) {
    Embedder embedder = held.get(id);
    if (embedder == null) {
      embedder = Objects.requireNonNull(acquire.apply(id), "acquired " + id);
      held.put(id, embedder);
    }
    return embedder;
  }

  /** The held network {@code id}; fails if it is not held (a served version always is). */
  public Embedder get(String id) {
    Embedder embedder = held.get(id);
    if (embedder == null) {
      throw new IllegalStateException("embedding network " + id + " is not loaded");
    }
    return embedder;
  }

  /**
   * Releases every held network but the primary one and those in {@code inUse}; returns the ids
   * released.
   */
  public Set<String> retainOnly(Collection<String> inUse) {
    Set<String> keep = new HashSet<>(inUse);
    keep.add(primary);
    Set<String> released = new HashSet<>();
    held.entrySet()
        .removeIf(
            e -> {
              if (keep.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              released.add(e.getKey());
              return true;
            });
    return released;
  }

  /** Ids of the held networks, the primary first. */
  public Set<String> ids() {
    return Collections.unmodifiableSet(held.keySet());
  }

  public int size() {
    return held.size();
  }

  @Override
  public void close() {
    held.values().forEach(Embedder::close);
    held.clear();
  }
}
