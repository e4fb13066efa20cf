package dev.sieve.activelearning.functions;

import dev.sieve.learning.labels.Verdict;
import dev.sieve.schemas.Label;

/**
 * A label decided for one content and classifier, joined with the content it is about and the
 * model's guess that served it: what {@link LabelJoin} sends to the {@link Curator}. A POJO.
 */
public class JoinedLabel {

  public String contentId;
  public String classifier;
  public String text;
  public String embeddingModel;
  public float[] embedding = new float[0];
  public String label;

  /** Who chose it: one labeler, or the agreeing majority, comma-separated. */
  public String labeler;

  public long labeledAtMs;

  /** The model version whose guess served the content, and that guess. */
  public int modelVersion;

  public String guess;

  public JoinedLabel() {}

  /** The decided label of {@code verdict} on the content {@code label} is about. */
  static JoinedLabel of(Label label, StoredContent stored, ServedGuess guess, Verdict verdict) {
    JoinedLabel j = new JoinedLabel();
    j.contentId = label.getContentId();
    j.classifier = label.getClassifier();
    j.text = stored.text;
    j.embeddingModel = stored.embeddingModel;
    j.embedding = stored.embedding;
    j.label = verdict.label;
    j.labeler = verdict.labelers;
    j.labeledAtMs = label.getLabeledAtMs();
    j.modelVersion = guess.modelVersion;
    j.guess = guess.guess;
    return j;
  }

  public static String classifierOf(JoinedLabel joined) {
    return joined.classifier;
  }

  public boolean correct() {
    return label.equals(guess);
  }
}
