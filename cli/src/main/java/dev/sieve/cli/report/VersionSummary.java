package dev.sieve.cli.report;

import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;

/**
 * What the report keeps of a {@link ModelVersion}: its lineage and cross-validated metrics, without
 * the head bytes.
 *
 * @param parent the parent version, or null for a first version
 * @param trainingSize examples it was trained on; 0 for a zero-shot version
 * @param cvAccuracy cross-validated accuracy; NaN for a zero-shot version (no metrics)
 * @param cvMacroF1 cross-validated macro-F1; NaN for a zero-shot version
 */
record VersionSummary(
    String classifier,
    int version,
    Integer parent,
    String reason,
    long createdAtMs,
    int labelCount,
    int trainingSize,
    int folds,
    double cvAccuracy,
    double cvMacroF1) {

  static VersionSummary of(ModelVersion v) {
    ModelMetrics m = v.getMetrics();
    return new VersionSummary(
        v.getClassifier(),
        v.getVersion(),
        v.getParentVersion(),
        v.getReason(),
        v.getCreatedAtMs(),
        v.getLabels().size(),
        m == null ? 0 : m.getTrainingSize(),
        m == null ? 0 : m.getFolds(),
        m == null ? Double.NaN : m.getAccuracy(),
        m == null ? Double.NaN : m.getMacroF1());
  }

  VersionKey key() {
    return new VersionKey(classifier, version);
  }

  boolean hasMetrics() {
    return !Double.isNaN(cvAccuracy);
  }
}
