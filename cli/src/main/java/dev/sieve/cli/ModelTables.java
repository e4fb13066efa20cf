package dev.sieve.cli;

import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.TrustedKeys;
import dev.sieve.model.VersionReason;
import dev.sieve.schemas.CandidateScore;
import dev.sieve.schemas.ClassMetrics;
import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text renderings of model versions for {@code sieve models} and {@code sieve models show}. */
final class ModelTables {

  static final String NONE = "-";
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private ModelTables() {}

  /**
   * One classifier's versions, oldest first, the latest (served) one marked with {@code *}; the
   * last column is the change in macro-F1 against the parent version when both have metrics.
   */
  static String versions(String classifier, List<ModelVersion> versions, String topic) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "classifier '%s': %d version%s on %s%n",
            classifier, versions.size(), versions.size() == 1 ? "" : "s", topic));
    Map<Integer, ModelVersion> byNumber = new HashMap<>();
    int latest = Integer.MIN_VALUE;
    for (ModelVersion v : versions) {
      byNumber.put(v.getVersion(), v);
      latest = Math.max(latest, v.getVersion());
    }
    TextTable table =
        new TextTable(
            List.of(
                " ",
                "VERSION",
                "PARENT",
                "REASON",
                "CREATED (UTC)",
                "TRAIN N",
                "ACCURACY",
                "MACRO-F1",
                "dF1 VS PARENT"),
            false,
            true,
            true,
            false,
            false,
            true,
            true,
            true,
            true);
    for (ModelVersion v : versions) {
      ModelMetrics m = v.getMetrics();
      table.row(
          v.getVersion() == latest ? "*" : " ",
          Integer.toString(v.getVersion()),
          v.getParentVersion() == null ? NONE : v.getParentVersion().toString(),
          VersionReason.parse(v.getReason()).summary(v.getParentVersion()),
          MINUTE.format(Instant.ofEpochMilli(v.getCreatedAtMs())),
          m == null ? NONE : Integer.toString(m.getTrainingSize()),
          m == null ? NONE : fixed(m.getAccuracy()),
          m == null ? NONE : fixed(m.getMacroF1()),
          delta(v, byNumber));
    }
    out.append(table.render("  "));
    out.append("  * latest version: the one the inference job serves\n");
    out.append(REJECTED_NOTE);
    return out.toString();
  }

  /**
   * Where a challenger that was not published can be seen: nowhere on Kafka. retrain-trigger logs
   * each with its decision and counts it; only published versions reach {@code sieve.models}.
   */
  static final String REJECTED_NOTE =
      "  REASON: trigger -> decision; models show <classifier> [<version>] prints it in full\n"
          + "  rejected challengers are on no topic: retrain-trigger logs each and counts it"
          + " (notPublished)\n";

  /** The reason in short, then its parts in full: trigger, decision, training settings. */
  static void reason(TextTable facts, ModelVersion v) {
    VersionReason reason = VersionReason.parse(v.getReason());
    facts.row("reason", reason.summary(v.getParentVersion(), Integer.MAX_VALUE));
    if (!reason.detail().isEmpty()) {
      facts.row("trigger", reason.trigger() + ": " + reason.detail());
    }
    if (!reason.decision().isEmpty()) {
      facts.row("decision", reason.decision());
    }
    if (!reason.settings().isEmpty()) {
      facts.row("settings", reason.settings());
    }
    if (!reason.summary(v.getParentVersion(), Integer.MAX_VALUE).equals(v.getReason())) {
      facts.row("full text", v.getReason());
    }
  }

  /** The change in macro-F1 from the parent, e.g. {@code +0.031}, or "-" when not comparable. */
  static String delta(ModelVersion v, Map<Integer, ModelVersion> byNumber) {
    if (v.getMetrics() == null || v.getParentVersion() == null) {
      return NONE;
    }
    ModelVersion parent = byNumber.get(v.getParentVersion());
    if (parent == null || parent.getMetrics() == null) {
      return NONE;
    }
    double d = v.getMetrics().getMacroF1() - parent.getMetrics().getMacroF1();
    return String.format(Locale.ROOT, "%+.3f", d);
  }

  /**
   * Everything about one version. {@code key} null: the signature is reported present or missing
   * but not checked.
   */
  static String show(ModelVersion v, boolean latest, TrustedKeys key) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "classifier '%s' version %d%s%n",
            v.getClassifier(), v.getVersion(), latest ? " (latest: served)" : ""));
    TextTable facts = new TextTable(List.of("", ""), false, false);
    facts.row("parent", v.getParentVersion() == null ? NONE : v.getParentVersion().toString());
    reason(facts, v);
    facts.row("created", SECOND.format(Instant.ofEpochMilli(v.getCreatedAtMs())));
    if (v.getTrainingMs() > 0) {
      facts.row("training", v.getTrainingMs() + " ms");
    }
    facts.row("labels", String.join(", ", v.getLabels()));
    if (!v.getLabelDescriptions().isEmpty()) {
      facts.row("descriptions", String.join(" | ", v.getLabelDescriptions()));
    }
    facts.row(
        "embedding",
        v.getEmbeddingModelId() + " (sha256 " + shortDigest(v.getEmbeddingModelDigest()) + ")");
    String features = v.getFeatures() == null ? "" : v.getFeatures().toString();
    if (!features.isEmpty()) {
      byte[] featuriser = ModelVersions.featuriserBytes(v);
      facts.row(
          "features",
          features
              + (featuriser == null
                  ? ""
                  : String.format(
                      ", lexical featuriser %d bytes (sha256 %s)",
                      featuriser.length, shortDigest(ModelSigning.sha256Hex(featuriser)))));
    }
    byte[] head = ModelVersions.headBytes(v);
    boolean digestOk = ModelSigning.sha256Hex(head).equalsIgnoreCase(v.getDigest());
    facts.row(
        "head",
        String.format(
            "%s, %d bytes, digest %s (%s)",
            v.getHeadFormat(),
            head.length,
            v.getDigest(),
            digestOk ? "matches the head" : "DOES NOT MATCH the head"));
    facts.row("signature", signature(v, key, digestOk));
    // the fact table has no header line: drop it
    String rendered = facts.render("  ");
    out.append(rendered.substring(rendered.indexOf('\n') + 1));

    ModelMetrics m = v.getMetrics();
    if (m == null) {
      out.append("metrics: none (a zero-shot version is not evaluated)\n");
      return out.toString();
    }
    out.append(
        String.format(
            Locale.ROOT,
            "metrics: %d-fold cross-validation on %d examples: accuracy %s, macro-F1 %s%n",
            m.getFolds(),
            m.getTrainingSize(),
            fixed(m.getAccuracy()),
            fixed(m.getMacroF1())));
    TextTable perClass =
        new TextTable(
            List.of("LABEL", "PRECISION", "RECALL", "F1", "SUPPORT"),
            false,
            true,
            true,
            true,
            true);
    for (ClassMetrics c : m.getPerClass()) {
      perClass.row(
          c.getLabel(),
          fixed(c.getPrecision()),
          fixed(c.getRecall()),
          fixed(c.getF1()),
          Integer.toString(c.getSupport()));
    }
    out.append(perClass.render("  "));
    out.append("confusion matrix (rows: true label, columns: predicted label)\n");
    out.append(confusion(v.getLabels(), m.getConfusion()).render("  "));
    if (!v.getCandidates().isEmpty()) {
      out.append(
          "candidates (cross-validated on the same folds; cost: measured events/s per core)\n");
      out.append(candidates(v.getCandidates()).render("  "));
    }
    return out.toString();
  }

  static TextTable candidates(List<CandidateScore> candidates) {
    TextTable table =
        new TextTable(
            List.of("CANDIDATE", "MACRO-F1", "EVENTS/S/CORE", "BUDGET", ""),
            false,
            true,
            true,
            false,
            false);
    for (CandidateScore c : candidates) {
      table.row(
          c.getName(),
          fixed(c.getMacroF1()),
          c.getEventsPerSecondPerCore() > 0
              ? String.format(Locale.ROOT, "%.0f", c.getEventsPerSecondPerCore())
              : NONE,
          c.getWithinBudget() ? "fits" : "too slow",
          c.getChosen() ? "chosen" : "");
    }
    return table;
  }

  static TextTable confusion(List<String> labels, List<List<Integer>> matrix) {
    List<String> headers = new ArrayList<>();
    headers.add("true \\ predicted");
    headers.addAll(labels);
    boolean[] right = new boolean[headers.size()];
    for (int i = 1; i < right.length; i++) {
      right[i] = true;
    }
    TextTable table = new TextTable(headers, right);
    for (int r = 0; r < matrix.size(); r++) {
      List<String> cells = new ArrayList<>();
      cells.add(r < labels.size() ? labels.get(r) : "#" + r);
      for (int c = 0; c < labels.size(); c++) {
        List<Integer> row = matrix.get(r);
        cells.add(c < row.size() ? row.get(c).toString() : NONE);
      }
      table.row(cells);
    }
    return table;
  }

  private static String signature(ModelVersion v, TrustedKeys key, boolean digestOk) {
    if (v.getSignature() == null || v.getSignature().isBlank()) {
      return "missing (the inference job refuses unsigned versions)";
    }
    if (key == null) {
      return "present, key " + v.getKeyId() + " (not checked: no trusted keys given)";
    }
    if (!digestOk) {
      return "present, but the digest does not match the head";
    }
    if (key.key(v.getKeyId()).isEmpty()) {
      return "present, by key " + v.getKeyId() + ", which is NOT among the trusted keys";
    }
    return ModelSigning.verify(v, key.key(v.getKeyId()).get())
        ? "present, valid: key " + v.getKeyId() + " signed this whole version"
        : "present, INVALID: not key " + v.getKeyId() + "'s signature of this version";
  }

  static String fixed(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static String shortDigest(String digest) {
    return digest == null ? NONE : digest.length() > 12 ? digest.substring(0, 12) + "..." : digest;
  }
}
