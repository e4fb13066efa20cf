package dev.sieve.inference.runtime;

import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.scoring.Embedder;
import dev.sieve.inference.scoring.Head;
import dev.sieve.inference.scoring.ModelRuntime;
import dev.sieve.inference.scoring.Verdict;
import dev.sieve.inference.scoring.VersionValidator;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadFeatures;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.LexicalFeaturiser;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersionValidator;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.TrustedKeys;
import dev.sieve.model.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The production {@link ModelRuntime}: the embedding networks of {@link EmbeddingModel}, each
 * shared by every subtask of the JVM through {@link SharedEmbedders} (loaded on first use, closed
 * when the last subtask releases it), and {@link ModelVersionValidator#forNetworks} for model
 * versions on any of them. It carries only configuration to the task managers: the primary network
 * ({@code --embedding-model}), the trusted public keys and the bounds, no secret.
 */
public final class SieveModelRuntime implements ModelRuntime {

  private static final long serialVersionUID = 1L;

  private final String embeddingModel;
  private final int intraOpThreads;
  private final int maxSubBatch;
  private final TrustedKeys trustedKeys;
  private final ModelBounds bounds;

  public SieveModelRuntime(
      String embeddingModel,
      int intraOpThreads,
      int maxSubBatch,
      TrustedKeys trustedKeys,
      ModelBounds bounds) {
    this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
    this.intraOpThreads = intraOpThreads;
    this.maxSubBatch = maxSubBatch;
    this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
    this.bounds = Objects.requireNonNull(bounds, "bounds");
  }

  public static SieveModelRuntime of(InferenceConfig config) {
    return new SieveModelRuntime(
        config.embeddingModel(),
        config.intraOpThreads(),
        config.maxSubBatch(),
        config.trustedKeys(),
        config.bounds());
  }

  /** The options the embedder is acquired with; equal options share one loaded network. */
  public EmbedderOptions embedderOptions() {
    return EmbedderOptions.defaults()
        .withIntraOpThreads(intraOpThreads)
        .withMaxSubBatch(maxSubBatch);
  }

  @Override
  public String primaryNetwork() {
    return embeddingModel;
  }

  @Override
  public Embedder acquireEmbedder(String networkId) {
    EmbeddingModel model = EmbeddingModel.byId(networkId);
    try {
      return new SharedEmbedder(SharedEmbedders.acquire(model, embedderOptions()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load embedding network " + networkId, e);
    }
  }

  @Override
  public VersionValidator validator() {
    ModelVersionValidator validator =
        ModelVersionValidator.forNetworks(trustedKeys, bounds, EnumSet.allOf(EmbeddingModel.class));
    return version -> {
      Validation result = validator.validate(version);
      return result.ok()
          ? Verdict.accepted(new OnnxHead(result.head(), result.features(), result.featuriser()))
          : Verdict.refused(result.refusal().orElseThrow().name(), result.message());
    };
  }

  @Override
  public String toString() {
    return "SieveModelRuntime["
        + embeddingModel
        + ", "
        + intraOpThreads
        + " intra-op thread(s), sub-batches of at most "
        + maxSubBatch
        + ", trusted keys "
        + trustedKeys.ids()
        + "]";
  }

  /** A counted reference on the JVM's shared embedder. */
  private record SharedEmbedder(EmbedderHandle handle) implements Embedder {
    @Override
    public String modelId() {
      return handle.modelId();
    }

    @Override
    public String modelDigest() {
      return handle.modelDigest();
    }

    @Override
    public int dimension() {
      return handle.dimension();
    }

    @Override
    public float[][] embed(List<String> texts) {
      return handle.embed(texts);
    }

    @Override
    public void close() {
      handle.close();
    }
  }

  /**
   * A head loaded into ONNX Runtime, with the lexical featuriser its version carries when it reads
   * lexical features (each row then assembled as training built it: {@link HeadFeatures}).
   */
  private record OnnxHead(HeadRunner runner, HeadFeatures features, LexicalFeaturiser featuriser)
      implements Head {
    @Override
    public float[][] predict(float[][] embeddings) {
      return runner.predict(embeddings);
    }

    @Override
    public float[][] predict(List<String> texts, float[][] embeddings) {
      if (features == HeadFeatures.EMBEDDING) {
        return runner.predict(embeddings);
      }
      float[][] rows = new float[texts.size()][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] =
            features.assemble(
                featuriser.features(texts.get(i)), embeddings == null ? null : embeddings[i]);
      }
      return runner.predict(rows);
    }

    @Override
    public void close() {
      runner.close();
    }
  }
}
