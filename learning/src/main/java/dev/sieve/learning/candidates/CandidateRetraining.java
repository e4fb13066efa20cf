package dev.sieve.learning.candidates;

import ai.onnxruntime.OrtException;
import dev.sieve.learning.training.ChallengerTraining;
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
 * throughput budget), and publishes the winner — signed, with its features, featuriser and the
 * candidate table — only when it beats the champion by the margin on the labels that arrived since
 * the champion was created ({@link PublishDecision#onNewLabels}: the champion with its own
 * features, the winner by its out-of-fold predictions; a label is dated by when retrain-trigger
 * received it, {@link LabelledSet#receivedAfter}, a version by its {@code createdAtMs}; a version
 * without training metrics, such as the zero-shot version 0, has trained on no label). Swapping a
 * classifier from one network to another is then an ordinary new version.
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
    // A version without training metrics (the zero-shot version 0) trained on no label at all.
    int[] fresh =
        champion.getMetrics() == null
            ? set.receivedAfter(Long.MIN_VALUE)
            : set.receivedAfter(champion.getCreatedAtMs());
    int[] truth = new int[fresh.length];
    int[] challenger = new int[fresh.length];
    int[] y = set.labelIndices();
    for (int j = 0; j < fresh.length; j++) {
      truth[j] = y[fresh[j]];
      challenger[j] = outcome.outOfFold()[fresh[j]];
    }
    PublishDecision decision =
        PublishDecision.onNewLabels(
            set.labelOrder(),
            champion.getLabels(),
            truth,
            challenger,
            predictChampion(champion, set.labelOrder(), fresh, texts, embeddings),
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

  /**
   * The champion's own head, on its own features, on the examples {@code rows}: each prediction as
   * an index into {@code labelOrder} (-1 for a label the challenger does not know, which happens
   * only when the label sets differ and nothing is compared).
   */
  private int[] predictChampion(
      ModelVersion champion,
      List<String> labelOrder,
      int[] rows,
      List<String> texts,
      Map<String, float[][]> embeddings) {
    if (rows.length == 0) {
      return new int[0];
    }
    HeadFeatures features =
        HeadFeatures.byId(champion.getFeatures() == null ? "" : champion.getFeatures().toString());
    LexicalFeaturiser featuriser =
        features.needsFeaturiser()
            ? LexicalFeaturiser.fromBytes(ModelVersions.featuriserBytes(champion))
            : null;
    List<String> mine = new ArrayList<>(rows.length);
    for (int i : rows) {
      mine.add(texts.get(i));
    }
    float[][] embedded = null;
    if (features.needsEmbedding()) {
      String network = champion.getEmbeddingModelId();
      float[][] all = embeddings.get(network);
      if (all == null) {
        embedded = embed(network, mine); // a network no longer among the candidates
      } else {
        embedded = new float[rows.length][];
        for (int j = 0; j < rows.length; j++) {
          embedded[j] = all[rows[j]];
        }
      }
    }
    float[][] input = new float[rows.length][];
    for (int j = 0; j < rows.length; j++) {
      input[j] =
          features.assemble(
              featuriser == null ? null : featuriser.features(mine.get(j)),
              embedded == null ? null : embedded[j]);
    }
    try (OnnxHead head = new OnnxHead(champion.getLabels(), ModelVersions.headBytes(champion))) {
      int[] predicted = head.predict(input);
      int[] out = new int[predicted.length];
      for (int j = 0; j < out.length; j++) {
        out[j] = labelOrder.indexOf(champion.getLabels().get(predicted[j]));
      }
      return out;
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
