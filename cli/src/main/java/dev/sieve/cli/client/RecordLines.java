package dev.sieve.cli.client;

import dev.sieve.model.VersionReason;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelMetrics;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.RetrainRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One compact, readable line per record, for {@code sieve tail}: the fields a person scans for
 * first, two spaces apart, long texts cut to {@value #PREVIEW} characters on one line.
 */
final class RecordLines {

  static final int PREVIEW = 80;

  private RecordLines() {}

  /** {@code msg-1 spam ham (0.93) v3 12 ms} */
  static String prediction(Prediction p) {
    return String.format(
        Locale.ROOT,
        "%s  %s  %s (%.2f)  v%d  %d ms",
        p.getContentId(),
        p.getClassifier(),
        p.getLabel(),
        p.getConfidence(),
        p.getModelVersion(),
        p.getLatencyMs());
  }

  /** {@code msg-1 spam ham (0.51) v3 margin 0.020 "the text"} */
  static String request(LabelRequest r) {
    return String.format(
        Locale.ROOT,
        "%s  %s  %s (%.2f)  v%d  %s %.3f%s  %s",
        r.getContentId(),
        r.getClassifier(),
        r.getGuess(),
        r.getConfidence(),
        r.getModelVersion(),
        r.getStrategy(),
        r.getSelectionScore(),
        r.getRandomShare() ? " (random)" : "",
        quoted(r.getText()));
  }

  /** {@code msg-1 spam ham by alice} */
  static String label(Label l) {
    return l.getContentId()
        + "  "
        + l.getClassifier()
        + "  "
        + l.getLabel()
        + "  by "
        + l.getLabeler();
  }

  /** {@code msg-1 spam ham by alice (random) "the text"} */
  static String labelled(LabelledExample e) {
    return e.getContentId()
        + "  "
        + e.getClassifier()
        + "  "
        + e.getLabel()
        + "  by "
        + e.getLabeler()
        + (e.getRandomShare() ? " (random)" : "")
        + "  "
        + quoted(e.getText());
  }

  /** {@code spam confidence-psi statistic 0.312 (threshold 0.200) v3 window 500, reference 1000} */
  static String drift(DriftAlert d) {
    return String.format(
        Locale.ROOT,
        "%s  %s  statistic %.3f (threshold %.3f)  v%d  window %d, reference %d",
        d.getClassifier(),
        d.getDetector(),
        d.getStatistic(),
        d.getThreshold(),
        d.getModelVersion(),
        d.getWindowSize(),
        d.getReferenceSize());
  }

  /**
   * {@code spam confidence-psi 0.062 <= 0.375 v1 at event 400 (window 200, reference 200)}, or
   * {@code ... 0.095 > 0.075 ALERT ...} for a window that alerted.
   */
  static String driftWindow(DriftWindow w) {
    return String.format(
        Locale.ROOT,
        "%s  %s  %.3f %s %.3f%s  v%d  at event %d (window %d, reference %d)",
        w.getClassifier(),
        w.getDetector(),
        w.getStatistic(),
        w.getAlerted() ? ">" : "<=",
        w.getThreshold(),
        w.getAlerted() ? " ALERT" : "",
        w.getModelVersion(),
        w.getAtEvent(),
        w.getWindowSize(),
        w.getReferenceSize());
  }

  /**
   * {@code spam v4 (parent 2) new-labels labels spam,ham accuracy 0.900 macro-F1 0.813 n 200
   * signed}
   */
  static String model(ModelVersion m) {
    ModelMetrics metrics = m.getMetrics();
    return String.format(
        Locale.ROOT,
        "%s  v%d (parent %s)  %s  labels %s  %s  %s",
        m.getClassifier(),
        m.getVersion(),
        m.getParentVersion() == null ? "-" : m.getParentVersion(),
        VersionReason.parse(m.getReason()).summary(m.getParentVersion()),
        String.join(",", m.getLabels()),
        metrics == null
            ? "no metrics"
            : String.format(
                Locale.ROOT,
                "accuracy %.3f  macro-F1 %.3f  n %d",
                metrics.getAccuracy(),
                metrics.getMacroF1(),
                metrics.getTrainingSize()),
        m.getSignature() == null ? "unsigned" : "signed");
  }

  /** {@code spam v5 refused: BAD_SIGNATURE the message (v4 keeps serving)} */
  static String modelAlert(ModelAlert a) {
    return a.getClassifier()
        + "  v"
        + a.getVersion()
        + " refused: "
        + a.getReason()
        + "  "
        + oneLine(a.getMessage())
        + (a.getServingVersion() == null ? "" : "  (v" + a.getServingVersion() + " keeps serving)");
  }

  /** {@code spam v3 accuracy 0.812 (13/16) unbiased 0.750 (3/4)} */
  static String accuracy(LiveAccuracy a) {
    return String.format(
        Locale.ROOT,
        "%s  v%d  accuracy %s (%d/%d)  unbiased %s (%d/%d)",
        a.getClassifier(),
        a.getModelVersion(),
        ratio(a.getAccuracy()),
        a.getCorrect(),
        a.getLabels(),
        ratio(a.getUnbiasedAccuracy()),
        a.getRandomCorrect(),
        a.getRandomLabels());
  }

  /** {@code EMPTY_TEXT sieve.content.raw 1@48213 key msg-1843 the text is empty ...} */
  static String deadLetter(DeadLetter d) {
    return d.getReason()
        + "  "
        + d.getSourceTopic()
        + " "
        + d.getSourcePartition()
        + "@"
        + d.getSourceOffset()
        + "  key "
        + bytesPreview(d.getKey())
        + "  "
        + oneLine(d.getMessage());
  }

  /** {@code msg-1 chat "the text"} */
  static String content(ContentEvent c) {
    return c.getId()
        + "  "
        + (c.getSource() == null ? "" : c.getSource() + "  ")
        + quoted(c.getText())
        + (c.getTruncated() ? "  (truncated from " + c.getOriginalLength() + " characters)" : "");
  }

  /** {@code spam manual "from the IT"} */
  static String retrain(RetrainRequest r) {
    return r.getClassifier()
        + "  "
        + r.getReason()
        + (r.getDetail().isEmpty() ? "" : "  " + quoted(r.getDetail()));
  }

  /** A ratio with three decimals, or {@code -} when not measured yet (NaN). */
  static String ratio(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  /** The text on one line, whitespace runs as one space, cut after {@value #PREVIEW} characters. */
  static String quoted(String text) {
    String line = oneLine(text);
    if (line.codePointCount(0, line.length()) > PREVIEW) {
      line = line.substring(0, line.offsetByCodePoints(0, PREVIEW)) + "…";
    }
    return "\"" + line + "\"";
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  /** Key bytes as text when they are UTF-8 without control characters, else their size. */
  static String bytesPreview(ByteBuffer bytes) {
    if (bytes == null) {
      return "(none)";
    }
    ByteBuffer b = bytes.duplicate();
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(b)
              .toString();
      if (text.codePoints().noneMatch(Character::isISOControl)) {
        return quoted(text);
      }
    } catch (CharacterCodingException binary) {
      // not text: say how big it is instead
    }
    return "(" + bytes.remaining() + " bytes)";
  }
}
