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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-Java model runtime. The embedder maps a text to a 2-dimensional vector (its length and
 * 1); a head's bytes are the text {@code "p0,p1,..."}, the probabilities it returns for every
 * input; a version signed {@code "good"} with a parseable head is accepted, anything else refused
 * with a reason code like the real validator's. It counts what the operator does with it.
 */
public final class FakeRuntime implements ModelRuntime {

  private static final long serialVersionUID = 1L;

  public static final String GOOD_SIGNATURE = "good";

  public final AtomicInteger acquired = new AtomicInteger();
  public final AtomicInteger released = new AtomicInteger();
  public final AtomicInteger validations = new AtomicInteger();
  public final AtomicInteger headsClosed = new AtomicInteger();
  public final List<List<String>> embedCalls = new ArrayList<>();

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
  public Embedder acquireEmbedder() {
    acquired.incrementAndGet();
    return new Embedder() {
      @Override
      public String modelId() {
        return "fake-embedder";
      }

      @Override
      public String modelDigest() {
        return "fake-digest";
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[][] embed(List<String> texts) {
        if (beforeEmbed != null) {
          beforeEmbed.run();
        }
        embedCalls.add(List.copyOf(texts));
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
          out[i] = new float[] {texts.get(i).length(), 1f};
        }
        return out;
      }

      @Override
      public void close() {
        released.incrementAndGet();
      }
    };
  }

  @Override
  public VersionValidator validator(Embedder embedder) {
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
      return Verdict.accepted(new FixedHead(probabilities));
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

  /** Returns the same probabilities for every input. */
  private final class FixedHead implements Head {
    private final float[] probabilities;

    FixedHead(float[] probabilities) {
      this.probabilities = probabilities;
    }

    @Override
    public float[][] predict(float[][] embeddings) {
      float[][] out = new float[embeddings.length][];
      for (int i = 0; i < out.length; i++) {
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
