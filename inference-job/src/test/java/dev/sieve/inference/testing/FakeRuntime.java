package dev.sieve.inference.testing;

import dev.sieve.inference.scoring.Embedder;
import dev.sieve.inference.scoring.Head;
import dev.sieve.inference.scoring.ModelRuntime;
import dev.sieve.inference.scoring.Verdict;
import dev.sieve.inference.scoring.VersionValidator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-Java model runtime with two networks: {@link #PRIMARY} ({@code fake-embedder}, the one
 * whose embedding goes into {@code ScoredContent}) maps a text to the 2-dimensional vector (its
 * length, 1), {@link #OTHER} ({@code fake-e5}) to (its length, 2); {@link #BROKEN} is a network the
 * validator knows but that fails to load, any other id is unknown. A head's bytes are the text
 * {@code "p0,p1,..."}, the probabilities it returns for every input, and it fails if it is given
 * the embeddings of another network than its version names; a version signed {@code "good"} with a
 * parseable head is accepted, anything else refused with a reason code like the real validator's.
 * It counts what the operator does with it.
 */
public final class FakeRuntime implements ModelRuntime {

  private static final long serialVersionUID = 1L;

  public static final String GOOD_SIGNATURE = "good";
  public static final String PRIMARY = "fake-embedder";
  public static final String OTHER = "fake-e5";
  public static final String BROKEN = "fake-broken";

  private static final Map<String, Float> MARKERS = Map.of(PRIMARY, 1f, OTHER, 2f, BROKEN, 3f);

  public final AtomicInteger acquired = new AtomicInteger();
  public final AtomicInteger released = new AtomicInteger();
  public final AtomicInteger validations = new AtomicInteger();
  public final AtomicInteger headsClosed = new AtomicInteger();

  /** Texts of every embed call, on any network. */
  public final List<List<String>> embedCalls = new ArrayList<>();

  /** (network, texts) of every embed call, in order. */
  public final List<Map.Entry<String, List<String>>> embedCallsByNetwork = new ArrayList<>();

  /** References held per network: acquired minus released. */
  public final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

  /** Runs at the start of every embedding call (to look at what was emitted before it). */
  public transient Runnable beforeEmbed;

  private final String acceptedSignature;

  public FakeRuntime() {
    this(GOOD_SIGNATURE);
  }

  /** A runtime whose deployment key accepts only {@code acceptedSignature}. */
  public FakeRuntime(String acceptedSignature) {
    this.acceptedSignature = acceptedSignature;
  }

  @Override
  public String primaryNetwork() {
    return PRIMARY;
  }

  /** Networks with at least one reference held. */
  public java.util.Set<String> loaded() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    held.forEach(
        (id, n) -> {
          if (n.get() > 0) {
            out.add(id);
          }
        });
    return out;
  }

  @Override
  public Embedder acquireEmbedder(String network) {
    if (!MARKERS.containsKey(network)) {
      throw new IllegalArgumentException("unknown embedding model id '" + network + "'");
    }
    if (BROKEN.equals(network)) {
      throw new IllegalStateException("cannot load " + network + ": resources missing");
    }
    float marker = MARKERS.get(network);
    acquired.incrementAndGet();
    held.computeIfAbsent(network, n -> new AtomicInteger()).incrementAndGet();
    return new Embedder() {
      private boolean closed;

      @Override
      public String modelId() {
        return network;
      }

      @Override
      public String modelDigest() {
        return network + "-digest";
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[][] embed(List<String> texts) {
        if (closed) {
          throw new IllegalStateException(network + " handle was released");
        }
        if (beforeEmbed != null) {
          beforeEmbed.run();
        }
        embedCalls.add(List.copyOf(texts));
        embedCallsByNetwork.add(Map.entry(network, List.copyOf(texts)));
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
          out[i] = new float[] {texts.get(i).length(), marker};
        }
        return out;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          released.incrementAndGet();
          held.get(network).decrementAndGet();
        }
      }
    };
  }

  @Override
  public VersionValidator validator() {
    return version -> {
      validations.incrementAndGet();
      if (version.getSignature() == null) {
        return Verdict.refused("UNSIGNED", "no signature");
      }
      if (!acceptedSignature.equals(version.getSignature())) {
        return Verdict.refused("BAD_SIGNATURE", "signature does not match");
      }
      float[] probabilities;
      try {
        probabilities = parse(version.getHead());
      } catch (RuntimeException e) {
        return Verdict.refused("UNLOADABLE_HEAD", "cannot parse: " + e.getMessage());
      }
      if (probabilities.length != version.getLabels().size()) {
        return Verdict.refused("LABEL_COUNT_MISMATCH", "wrong count");
      }
      Float marker = MARKERS.get(version.getEmbeddingModelId());
      if (marker == null
          || !(version.getEmbeddingModelId() + "-digest")
              .equals(version.getEmbeddingModelDigest())) {
        return Verdict.refused(
            "EMBEDDING_MISMATCH", "no network " + version.getEmbeddingModelId() + " here");
      }
      return Verdict.accepted(new FixedHead(probabilities, marker));
    };
  }

  private static float[] parse(ByteBuffer head) {
    ByteBuffer view = head.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    String[] parts = new String(bytes, StandardCharsets.UTF_8).split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Float.parseFloat(parts[i]);
    }
    return out;
  }

  /** The head bytes a {@link FakeRuntime} reads as fixed probabilities. */
  public static ByteBuffer head(double... probabilities) {
    StringBuilder s = new StringBuilder();
    for (double p : probabilities) {
      s.append(s.length() == 0 ? "" : ",").append(p);
    }
    return ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the same probabilities for every input of its network. */
  private final class FixedHead implements Head {
    private final float[] probabilities;
    private final float marker;

    FixedHead(float[] probabilities, float marker) {
      this.probabilities = probabilities;
      this.marker = marker;
    }

    @Override
    public float[][] predict(float[][] embeddings) {
      float[][] out = new float[embeddings.length][];
      for (int i = 0; i < out.length; i++) {
        if (embeddings[i][1] != marker) {
          throw new IllegalStateException("a head was given another network's embeddings");
        }
        out[i] = probabilities.clone();
      }
      return out;
    }

    @Override
    public void close() {
      headsClosed.incrementAndGet();
    }
  }
}
