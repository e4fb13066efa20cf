package dev.sieve.activelearning.functions;

import java.util.Arrays;

/**
 * What one classifier said about a content: the model version that served it, its guess, and the
 * classifier's classes at the time (the keys of its scores, sorted), against which a label is
 * checked. The scores themselves are not kept: selection has already used them. A POJO.
 */
public class ServedGuess {

  public String classifier;
  public int modelVersion;
  public String guess;
  public String[] classes = new String[0];

  public ServedGuess() {}

  public ServedGuess(String classifier, int modelVersion, String guess, String[] classes) {
    this.classifier = classifier;
    this.modelVersion = modelVersion;
    this.guess = guess;
    this.classes = classes;
  }

  public boolean hasClass(String label) {
    return Arrays.asList(classes).contains(label);
  }
}
