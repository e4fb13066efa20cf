package dev.sieve.activelearning.functions;

import dev.sieve.schemas.ClassifierScores;
import dev.sieve.schemas.ScoredContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A content as {@link LabelJoin} keeps it until its labels arrive: text, embedding and each
 * classifier's {@link ServedGuess}. A POJO of strings and primitive arrays (no Kryo). Size per
 * event with Flink's POJO serializer: about 4 bytes x dimension (1,536 for MiniLM) + the UTF-8 text
 * + about 40 bytes + the class names per classifier; {@code StoredContentSizeTest} measures it.
 */
public class StoredContent {

  public String text;
  public String embeddingModel;
  public float[] embedding = new float[0];
  public ServedGuess[] guesses = new ServedGuess[0];

  public StoredContent() {}

  public static StoredContent of(ScoredContent scored) {
    StoredContent c = new StoredContent();
    c.text = scored.getText();
    c.embeddingModel = scored.getEmbeddingModel();
    c.embedding = ScoredItem.toArray(scored.getEmbedding());
    List<ServedGuess> guesses = new ArrayList<>();
    new TreeMap<>(scored.getClassifiers())
        .forEach(
            (name, scores) ->
                guesses.add(
                    new ServedGuess(
                        name, scores.getModelVersion(), scores.getLabel(), classesOf(scores))));
    c.guesses = guesses.toArray(new ServedGuess[0]);
    return c;
  }

  /** The classifier's classes: the keys of its scores, sorted (the class order everywhere here). */
  static String[] classesOf(ClassifierScores scores) {
    return new TreeMap<String, Double>(scores.getScores() == null ? Map.of() : scores.getScores())
        .keySet()
        .toArray(new String[0]);
  }

  /** The guess of {@code classifier}, or null when it did not score this content. */
  public ServedGuess guessOf(String classifier) {
    for (ServedGuess g : guesses) {
      if (g.classifier.equals(classifier)) {
        return g;
      }
    }
    return null;
  }

  public List<String> classifiers() {
    List<String> names = new ArrayList<>();
    for (ServedGuess g : guesses) {
      names.add(g.classifier);
    }
    return names;
  }
}
