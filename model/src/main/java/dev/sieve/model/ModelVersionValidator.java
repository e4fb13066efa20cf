package dev.sieve.model;

import dev.sieve.schemas.ModelVersion;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Decides whether a {@link ModelVersion} may be served beside this embedder. Checks run cheapest
 * and most security-relevant first, and nothing is loaded into ONNX Runtime before the signature
 * has been verified: bounds (classifier name, version, head size), digest, signature (key id
 * trusted, Ed25519 over the canonical bytes of the whole version: {@link ModelSigning}), the cap on
 * classifiers, what the head reads (its features and lexical featuriser, when it has one),
 * embedding network (none for a head that reads lexical features only), load, input dimension,
 * labels, then a smoke test on fixed inputs. The first failure refuses the version; the old version
 * keeps serving.
 *
 * <p>A signature that fails is explained when this validator has verified a version with the same
 * head: {@link Refusal#RENAMED}, {@link Refusal#RELABELLED}, {@link Refusal#REPARENTED} or {@link
 * Refusal#REPLAYED} rather than a bare {@link Refusal#BAD_SIGNATURE}. It remembers the signed
 * fields (not the heads) of the last {@link ModelBounds#maxVersionsKept()} verified versions per
 * classifier, so it is not thread-safe: one per subtask.
 *
 * <p>A validator serves heads beside one network (the constructors, {@link #forEmbedder}) or beside
 * any of several ({@link #forNetworks}): the version's {@code embeddingModelId} picks the network,
 * whose digest and dimension the version must then match. Neither loads a network: the digest of a
 * known network is the SHA-256 of its {@code .onnx} resource, computed once per JVM.
 */
public final class ModelVersionValidator {

  private static final double SUM_TOLERANCE = 1e-3;

  /** A network heads may be served beside: its id, the SHA-256 of its weights, its dimension. */
  private record Network(String id, String digest, int dimension) {}

  private final TrustedKeys keys;
  private final ModelBounds bounds;
  // Null for a signatures-only validator; otherwise the network a version's id names, or null.
  private final Function<String, Network> networks;
  private final String served;
  private final Map<Integer, float[][]> smokeInputs = new HashMap<>();
  private final VersionHistory history;

  public ModelVersionValidator(
      TrustedKeys keys, String embeddingModelId, String embeddingModelDigest, int dimension) {
    this(keys, ModelBounds.defaults(), embeddingModelId, embeddingModelDigest, dimension);
  }

  public ModelVersionValidator(
      TrustedKeys keys,
      ModelBounds bounds,
      String embeddingModelId,
      String embeddingModelDigest,
      int dimension) {
    this(
        keys,
        bounds,
        embeddingModelId == null
            ? null
            : id ->
                embeddingModelId.equals(id)
                    ? new Network(embeddingModelId, embeddingModelDigest, dimension)
                    : null,
        embeddingModelId + " (" + embeddingModelDigest + ")");
  }

  private ModelVersionValidator(
      TrustedKeys keys, ModelBounds bounds, Function<String, Network> networks, String served) {
    this.keys = java.util.Objects.requireNonNull(keys, "keys");
    this.bounds = java.util.Objects.requireNonNull(bounds, "bounds");
    this.networks = networks;
    this.served = served;
    this.history = new VersionHistory(bounds.maxVersionsKept());
  }

  /** A validator for heads served beside {@code embedder}. */
  public static ModelVersionValidator forEmbedder(
      TrustedKeys keys, ModelBounds bounds, SentenceEmbedder embedder) {
    return new ModelVersionValidator(
        keys, bounds, embedder.modelId(), embedder.modelDigest(), embedder.dimension());
  }

  /**
   * A validator for heads served beside any of {@code networks}, each version beside the one it
   * names (by id, then checked by digest and dimension). Loads none of them.
   */
  public static ModelVersionValidator forNetworks(
      TrustedKeys keys, ModelBounds bounds, Collection<EmbeddingModel> networks) {
    Map<String, EmbeddingModel> byId = new LinkedHashMap<>();
    networks.forEach(m -> byId.put(m.id(), m));
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("no network to serve heads beside");
    }
    return new ModelVersionValidator(
        keys,
        bounds,
        id -> {
          EmbeddingModel m = id == null ? null : byId.get(id);
          return m == null ? null : new Network(m.id(), m.digest(), m.dimension());
        },
        String.join(", ", byId.keySet()));
  }

  /**
   * A validator that only {@link #verify}s (bounds, digest, signature), for a job that loads heads
   * itself without serving them beside one embedder (retrain-trigger's champion).
   */
  public static ModelVersionValidator signaturesOnly(TrustedKeys keys, ModelBounds bounds) {
    return new ModelVersionValidator(keys, bounds, null, "no network");
  }

  /**
   * Bounds, digest and signature only; loads nothing. An accepted result has no head. Verified
   * versions are remembered to explain later signature failures.
   */
  public Validation verify(ModelVersion v) {
    String who = "classifier '" + v.getClassifier() + "' version " + v.getVersion();
    String badName = ModelBounds.classifierNameProblem(v.getClassifier());
    if (badName != null) {
      return refuse(Refusal.BAD_CLASSIFIER_NAME, who, badName);
    }
    if (v.getVersion() < 0) {
      return refuse(Refusal.VERSION_OUT_OF_RANGE, who, "a version number is never negative");
    }
    int headSize = v.getHead() == null ? 0 : v.getHead().remaining();
    if (headSize > bounds.maxHeadBytes()) {
      return refuse(
          Refusal.HEAD_TOO_LARGE,
          who,
          "head is " + headSize + " bytes, the cap is " + bounds.maxHeadBytes());
    }
    byte[] head = ModelVersions.headBytes(v);
    String digest = ModelSigning.sha256Hex(head);
    if (!digest.equalsIgnoreCase(v.getDigest())) {
      return refuse(
          Refusal.BAD_DIGEST, who, "head hashes to " + digest + ", record says " + v.getDigest());
    }
    if (v.getSignature() == null || v.getSignature().isBlank()) {
      return refuse(Refusal.UNSIGNED, who, "no signature");
    }
    java.security.PublicKey key = keys.key(v.getKeyId()).orElse(null);
    if (key == null) {
      return refuse(
          Refusal.UNKNOWN_KEY,
          who,
          "signed with key id '"
              + v.getKeyId()
              + "', not among the trusted keys "
              + keys.ids()
              + " (rotating keys? trust the new public key too)");
    }
    if (!ModelSigning.verify(v, key)) {
      VersionHistory.Diagnosis diagnosis = history.diagnose(v);
      return diagnosis != null
          ? refuse(diagnosis.refusal(), who, "signature does not match: " + diagnosis.why())
          : refuse(
              Refusal.BAD_SIGNATURE,
              who,
              "signature is not key " + v.getKeyId() + "'s over this version's fields");
    }
    if (!history.knows(v.getClassifier()) && history.classifiers() >= bounds.maxClassifiers()) {
      return refuse(
          Refusal.TOO_MANY_CLASSIFIERS,
          who,
          "this job already holds "
              + history.classifiers()
              + " classifiers, the cap is "
              + bounds.maxClassifiers());
    }
    history.remember(v);
    return Validation.verified(who + " verified (key " + v.getKeyId() + ")");
  }

  /** {@link #verify}, then the embedding network, load, dimension, labels and smoke test. */
  public Validation validate(ModelVersion v) {
    if (networks == null) {
      throw new IllegalStateException("a signatures-only validator cannot load heads");
    }
    Validation verified = verify(v);
    if (!verified.ok()) {
      return verified;
    }
    String who = "classifier '" + v.getClassifier() + "' version " + v.getVersion();
    byte[] head = ModelVersions.headBytes(v);
    HeadFeatures features;
    try {
      features = HeadFeatures.byId(v.getFeatures() == null ? "" : v.getFeatures().toString());
    } catch (IllegalArgumentException e) {
      return refuse(Refusal.UNLOADABLE_HEAD, who, e.getMessage());
    }
    LexicalFeaturiser featuriser = null;
    byte[] featuriserBytes = ModelVersions.featuriserBytes(v);
    if (features.needsFeaturiser()) {
      if (featuriserBytes == null) {
        return refuse(
            Refusal.UNLOADABLE_HEAD, who, "head reads " + features.id() + " but has no featuriser");
      }
      try {
        featuriser = LexicalFeaturiser.fromBytes(featuriserBytes);
      } catch (IllegalArgumentException e) {
        return refuse(Refusal.UNLOADABLE_HEAD, who, "featuriser: " + e.getMessage());
      }
    } else if (featuriserBytes != null) {
      return refuse(
          Refusal.UNLOADABLE_HEAD, who, "a featuriser comes with a head that reads no features");
    }
    int lexicalDimension = featuriser == null ? 0 : featuriser.dimension();
    if (!features.needsEmbedding()) {
      return load(v, who, head, features, featuriser, lexicalDimension);
    }
    Network network = networks.apply(v.getEmbeddingModelId());
    if (network == null) {
      return refuse(
          Refusal.EMBEDDING_MISMATCH,
          who,
          "head was trained on "
              + v.getEmbeddingModelId()
              + " ("
              + v.getEmbeddingModelDigest()
              + "), a network this job does not serve; it serves "
              + served);
    }
    if (!network.digest().equalsIgnoreCase(v.getEmbeddingModelDigest())) {
      return refuse(
          Refusal.EMBEDDING_MISMATCH,
          who,
          "head was trained on "
              + v.getEmbeddingModelId()
              + " with weights "
              + v.getEmbeddingModelDigest()
              + ", this job's "
              + network.id()
              + " has weights "
              + network.digest());
    }
    return load(v, who, head, features, featuriser, lexicalDimension + network.dimension());
  }

  private Validation load(
      ModelVersion v,
      String who,
      byte[] head,
      HeadFeatures features,
      LexicalFeaturiser featuriser,
      int dimension) {
    if (!"onnx".equalsIgnoreCase(v.getHeadFormat())) {
      return refuse(
          Refusal.UNLOADABLE_HEAD, who, "head format '" + v.getHeadFormat() + "' is not onnx");
    }
    HeadRunner runner;
    try {
      runner = new HeadRunner(head);
    } catch (Exception e) {
      return refuse(
          Refusal.UNLOADABLE_HEAD, who, "ONNX Runtime cannot load the head: " + e.getMessage());
    }
    Validation result = check(v, who, runner, features, featuriser, dimension);
    if (!result.ok()) {
      runner.close();
    }
    return result;
  }

  private Validation check(
      ModelVersion v,
      String who,
      HeadRunner runner,
      HeadFeatures features,
      LexicalFeaturiser featuriser,
      int dimension) {
    if (runner.inputDimension() != dimension) {
      return refuse(
          Refusal.WRONG_INPUT_DIMENSION,
          who,
          "head takes "
              + runner.inputDimension()
              + " values, its "
              + (features == HeadFeatures.EMBEDDING ? "embeddings" : features.id() + " features")
              + " have "
              + dimension);
    }
    List<String> labels = v.getLabels();
    if (labels.isEmpty() || new HashSet<>(labels).size() != labels.size()) {
      return refuse(Refusal.LABEL_COUNT_MISMATCH, who, "labels are empty or duplicated: " + labels);
    }
    if (runner.outputCount() != labels.size()) {
      return refuse(
          Refusal.LABEL_COUNT_MISMATCH,
          who,
          "head has " + runner.outputCount() + " outputs for " + labels.size() + " labels");
    }
    List<String> descriptions = v.getLabelDescriptions();
    if (descriptions != null && !descriptions.isEmpty() && descriptions.size() != labels.size()) {
      return refuse(
          Refusal.LABEL_COUNT_MISMATCH,
          who,
          descriptions.size() + " label descriptions for " + labels.size() + " labels");
    }
    String smoke = smokeTest(runner, labels.size(), dimension);
    if (smoke != null) {
      return refuse(Refusal.SMOKE_TEST_FAILED, who, smoke);
    }
    return Validation.accepted(
        runner, features, featuriser, who + " accepted (" + labels.size() + " labels)");
  }

  /** Null when the head passes; otherwise what went wrong. */
  private String smokeTest(HeadRunner runner, int k, int dimension) {
    float[][] smokeInputs =
        this.smokeInputs.computeIfAbsent(dimension, ModelVersionValidator::smokeInputs);
    float[][] out;
    try {
      out = runner.predict(smokeInputs);
    } catch (RuntimeException e) {
      return "head failed on the smoke inputs: " + e.getMessage();
    }
    if (out.length != smokeInputs.length) {
      return "head returned " + out.length + " rows for " + smokeInputs.length + " inputs";
    }
    for (int r = 0; r < out.length; r++) {
      if (out[r].length != k) {
        return "row " + r + " has " + out[r].length + " values for " + k + " labels";
      }
      double sum = 0;
      for (float p : out[r]) {
        if (!Float.isFinite(p) || p < 0 || p > 1) {
          return "row " + r + " holds " + p + ", not a probability";
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        return "row " + r + " sums to " + sum + ", not 1";
      }
    }
    return null;
  }

  /**
   * Fixed unit vectors: a few basis vectors (each excites one input weight alone), their negatives,
   * the uniform vector and two seeded random directions. Deterministic, so a head passes or fails
   * the same way on every subtask.
   */
  static float[][] smokeInputs(int d) {
    int basis = Math.min(d, 4);
    float[][] inputs = new float[2 * basis + 3][d];
    for (int i = 0; i < basis; i++) {
      inputs[i][i * (d / basis)] = 1f;
      inputs[basis + i][i * (d / basis)] = -1f;
    }
    Arrays.fill(inputs[2 * basis], (float) (1 / Math.sqrt(d)));
    Random random = new Random(20240917L);
    for (int r = 2 * basis + 1; r < inputs.length; r++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        inputs[r][j] = (float) random.nextGaussian();
        norm += inputs[r][j] * inputs[r][j];
      }
      for (int j = 0; j < d; j++) {
        inputs[r][j] /= (float) Math.sqrt(norm);
      }
    }
    return inputs;
  }

  private static Validation refuse(Refusal refusal, String who, String why) {
    return Validation.refused(refusal, who + " refused (" + refusal + "): " + why);
  }
}
