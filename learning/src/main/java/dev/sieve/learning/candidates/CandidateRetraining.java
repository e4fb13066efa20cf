package dev.sieve.learning.candidates;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.learning.training.CrossValidation;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.learning.training.OnnxHead;
import dev.sieve.learning.training.PublishDecision;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadFeatures;
import dev.sieve.model.LexicalFeaturiser;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.model.SigningKey;
import dev.sieve.model.SigningKeySource;
import dev.sieve.model.VersionReason;
import dev.sieve.schemas.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChallengerTraining} retrain-trigger runs: every retraining chooses what the head reads
 * and how it is regularised by {@link CandidateSelection} (each candidate network, the lexical
 * featuriser and both together, times the C grid, on the same stratified folds, within the
 * throughput budget), scores the champion on those folds with its own features, and publishes the
 * winner — signed, with its features, featuriser and the candidate table — only when it beats the
 * champion by the margin ({@link PublishDecision}). Swapping a classifier from one network to
 * another is then an ordinary new version.
 *
 * <p>The labelled examples carry their texts; each candidate network embeds them here (the network
 * is loaded once per JVM through {@link SharedEmbedders} and kept while this training lives), and
 * the embeddings of texts seen before are remembered, up to {@link #CACHE_PER_NETWORK} per network,
 * so a retraining embeds only the new labels.
 */
public final class CandidateRetraining implements ChallengerTraining {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CandidateRetraining.class);

  /**
   * Networks tried when configuration names none: both MiniLM int8 and e5 int8 with and without its
   * prefix.
   */
  public static final List<String> DEFAULT_NETWORKS =
      List.of(
          EmbeddingModel.MINILM_L6_V2_Q.id(),
          EmbeddingModel.E5_SMALL_V2_Q.id(),
          EmbeddingModel.E5_SMALL_V2_Q_QUERY.id());

  /** Remembered embeddings per network (about 1.5 kB each at 384 dimensions). */
  static final int CACHE_PER_NETWORK = 10_000;

  private final double margin;
  private final SigningKeySource keySource;
  private final double minThroughput;
  private final List<String> networks;

  private transient SigningKey key;
  private transient Map<String, EmbedderHandle> embedders;
  private transient Map<String, Map<String, float[]>> cache;

  public CandidateRetraining(
      double margin, SigningKeySource keySource, double minThroughput, List<String> networks) {
    if (keySource == null) {
      throw new IllegalArgumentException("a signing key is required");
    }
    for (String id : networks) {
      EmbeddingModel.byId(id); // fails with the known ids
    }
    this.margin = margin;
    this.keySource = keySource;
    this.minThroughput = minThroughput;
    this.networks = List.copyOf(networks);
  }

  @Override
  public Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs) {
    int next = ModelBounds.nextVersion(champion.getClassifier(), champion.getVersion());
    List<String> texts =
        set.texts()
            .orElseThrow(
                () -> new IllegalArgumentException("the labelled examples carry no texts"));
    long start = System.nanoTime();
    Map<String, float[][]> embeddings = new LinkedHashMap<>();
    for (String network : networks) {
      embeddings.put(network, embed(network, texts));
    }
    long embedMs = (System.nanoTime() - start) / 1_000_000;
    CandidateSelection.Outcome outcome =
        new CandidateSelection(
                CandidateSelection.Settings.defaults().withMinThroughput(minThroughput))
            .select(
                new CandidateSelection.Input(
                    texts, Arrays.asList(set.labels()), set.labelOrder(), embeddings),
                null);
    CrossValidation.Result championResult = scoreChampion(champion, set, texts, embeddings);
    PublishDecision decision =
        PublishDecision.decide(
            set.labelOrder(),
            outcome.cv().pooled(),
            champion.getLabels(),
            championResult.pooled(),
            margin);
    LOG.info(
        "{}: {} examples, embedded in {} ms, candidates in {} ms, chosen {} (macro-F1 {}): {}",
        champion.getClassifier(),
        texts.size(),
        embedMs,
        outcome.trainingMs(),
        outcome.chosen().name(),
        String.format("%.4f", outcome.chosen().macroF1()),
        decision.reason());
    if (!decision.publish()) {
      return new Result(null, decision.reason());
    }
    boolean sameLabels = set.labelOrder().equals(champion.getLabels());
    String network = outcome.embeddingModelId();
    ModelVersion.Builder builder =
        ModelVersion.newBuilder()
            .setClassifier(champion.getClassifier())
            .setVersion(next)
            .setParentVersion(champion.getVersion())
            .setLabels(set.labelOrder())
            .setLabelDescriptions(sameLabels ? champion.getLabelDescriptions() : List.of())
            .setHeadFormat("onnx")
            .setHead(ByteBuffer.wrap(outcome.onnx().clone()))
            .setEmbeddingModelId(network == null ? "" : network)
            .setEmbeddingModelDigest(network == null ? "" : EmbeddingModel.byId(network).digest())
            .setFeatures(outcome.features().id())
            .setFeaturiser(
                outcome.featuriser() == null
                    ? null
                    : ByteBuffer.wrap(outcome.featuriser().toBytes()))
            .setCandidates(outcome.scores())
            .setMetrics(
                outcome.cv().pooled().toModelMetrics(outcome.trainingSize(), outcome.folds()))
            .setReason(VersionReason.trained(trigger, decision.reason(), outcome.chosen().name()))
            .setTrainingMs((System.nanoTime() - start) / 1_000_000)
            .setCreatedAtMs(nowMs)
            .setDigest("")
            .setSignature(null);
    return new Result(ModelVersions.signed(builder, key()), decision.reason());
  }

  /** The champion's own head, on its own features, over the folds the candidates were scored on. */
  private CrossValidation.Result scoreChampion(
      ModelVersion champion,
      LabelledSet set,
      List<String> texts,
      Map<String, float[][]> embeddings) {
    HeadFeatures features =
        HeadFeatures.byId(champion.getFeatures() == null ? "" : champion.getFeatures().toString());
    byte[] featuriserBytes = ModelVersions.featuriserBytes(champion);
    LexicalFeaturiser featuriser =
        features.needsFeaturiser() ? LexicalFeaturiser.fromBytes(featuriserBytes) : null;
    float[][] embedded = null;
    if (features.needsEmbedding()) {
      String network = champion.getEmbeddingModelId();
      embedded = embeddings.containsKey(network) ? embeddings.get(network) : embed(network, texts);
    }
    LabelledSet.Builder rows = LabelledSet.builder().labelOrder(set.labelOrder());
    String[] labels = set.labels();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(
          set.contentId(i),
          labels[i],
          features.assemble(
              featuriser == null ? null : featuriser.features(texts.get(i)),
              embedded == null ? null : embedded[i]));
    }
    LabelledSet championSet = rows.build();
    CrossValidation cv = CrossValidation.defaults();
    try (OnnxHead head = new OnnxHead(champion.getLabels(), ModelVersions.headBytes(champion))) {
      return cv.score(head, championSet, cv.folds(set));
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot load the champion head of " + champion.getClassifier() + ": " + e.getMessage(),
          e);
    }
  }

  private float[][] embed(String network, List<String> texts) {
    if (cache == null) {
      cache = new HashMap<>();
      embedders = new HashMap<>();
    }
    Map<String, float[]> known =
        cache.computeIfAbsent(
            network,
            id ->
                new LinkedHashMap<>(16, 0.75f, true) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > CACHE_PER_NETWORK;
                  }
                });
    List<String> missing = new ArrayList<>();
    for (String text : texts) {
      if (!known.containsKey(text)) {
        missing.add(text);
      }
    }
    if (!missing.isEmpty()) {
      EmbedderHandle embedder = embedders.computeIfAbsent(network, CandidateRetraining::acquire);
      float[][] rows = embedder.embed(missing);
      for (int i = 0; i < rows.length; i++) {
        known.put(missing.get(i), rows[i]);
      }
    }
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = known.get(texts.get(i));
    }
    return out;
  }

  private static EmbedderHandle acquire(String network) {
    try {
      return SharedEmbedders.acquire(EmbeddingModel.byId(network), EmbedderOptions.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load embedding network " + network, e);
    }
  }

  @Override
  public void close() {
    if (embedders != null) {
      embedders.values().forEach(EmbedderHandle::close);
      embedders.clear();
      cache.clear();
    }
  }

  /** Reads the key now, so a missing or refused key stops the job at its start. */
  @Override
  public void open() {
    key();
  }

  private SigningKey key() {
    if (key == null) {
      key = keySource.load();
    }
    return key;
  }

  @Override
  public String toString() {
    return "CandidateRetraining{margin="
        + margin
        + ", min throughput "
        + minThroughput
        + " events/s per core, networks "
        + networks
        + ", "
        + keySource
        + "}";
  }
}
