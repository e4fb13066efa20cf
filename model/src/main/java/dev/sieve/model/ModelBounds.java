package dev.sieve.model;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * Limits on what a job accepts from {@code sieve.models}, so a key holder's mistake (or a flood)
 * cannot exhaust a job: the size of a head, the number of classifiers, and how many verified
 * versions per classifier a job remembers (to tell a replay or a relabelling from a plain bad
 * signature). Classifier names are {@code [a-z0-9][a-z0-9._-]{0,63}}.
 *
 * @param maxHeadBytes largest head accepted (default 16 MiB; a head is a few kilobytes)
 * @param maxClassifiers most classifiers one job serves (default 256)
 * @param maxVersionsKept verified versions remembered per classifier (default 16)
 */
public record ModelBounds(int maxHeadBytes, int maxClassifiers, int maxVersionsKept)
    implements Serializable {

  public static final int DEFAULT_MAX_HEAD_BYTES = 16 << 20;
  public static final int DEFAULT_MAX_CLASSIFIERS = 256;
  public static final int DEFAULT_MAX_VERSIONS_KEPT = 16;

  /** What a classifier name must look like. */
  public static final Pattern CLASSIFIER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public ModelBounds {
    if (maxHeadBytes < 1 || maxClassifiers < 1 || maxVersionsKept < 1) {
      throw new IllegalArgumentException(
          "model bounds must be positive: head bytes "
              + maxHeadBytes
              + ", classifiers "
              + maxClassifiers
              + ", versions kept "
              + maxVersionsKept);
    }
  }

  public static ModelBounds defaults() {
    return new ModelBounds(
        DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_CLASSIFIERS, DEFAULT_MAX_VERSIONS_KEPT);
  }

  public ModelBounds withMaxHeadBytes(int bytes) {
    return new ModelBounds(bytes, maxClassifiers, maxVersionsKept);
  }

  public ModelBounds withMaxClassifiers(int n) {
    return new ModelBounds(maxHeadBytes, n, maxVersionsKept);
  }

  public ModelBounds withMaxVersionsKept(int n) {
    return new ModelBounds(maxHeadBytes, maxClassifiers, n);
  }

  /** Null when {@code name} is a valid classifier name, else why not. */
  public static String classifierNameProblem(String name) {
    if (name == null || !CLASSIFIER_NAME.matcher(name).matches()) {
      return "classifier name '"
          + name
          + "' is not valid: 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a"
          + " letter or digit";
    }
    return null;
  }

  /** Fails with {@link #classifierNameProblem}'s message when {@code name} is not valid. */
  public static String requireClassifierName(String name) {
    String problem = classifierNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return name;
  }

  /**
   * The version that follows {@code current}; fails at {@link Integer#MAX_VALUE}, where a next
   * version would wrap to a negative number that every job would ignore.
   */
  public static int nextVersion(String classifier, int current) {
    if (current >= Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "classifier '"
              + classifier
              + "' is at version "
              + current
              + ", the largest possible: no version can follow it. Create a new classifier.");
    }
    return current + 1;
  }
}
