package dev.sieve.cli.label;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Decides what a simulated labeler answers: the true label from {@link OracleAnswers}, or, with
 * probability {@code errorRate}, a uniformly chosen <i>other</i> class of the request, so that
 * demos and benchmarks can see how Sieve copes with noisy labelers. The random generator is seeded,
 * so a run can be repeated. Not thread-safe (one oracle per labeler thread).
 */
public final class Oracle {

  /**
   * The oracle's decision for one request.
   *
   * @param label the answer, or empty when the oracle cannot answer (then {@code reason} says why)
   * @param deliberatelyWrong true when the error rate picked a wrong class on purpose
   */
  public record Verdict(Optional<String> label, boolean deliberatelyWrong, String reason) {

    static Verdict answer(String label, boolean wrong) {
      return new Verdict(Optional.of(label), wrong, "");
    }

    static Verdict cannotAnswer(String reason) {
      return new Verdict(Optional.empty(), false, reason);
    }
  }

  private final OracleAnswers answers;
  private final double errorRate;
  private final Random random;

  /**
   * @param errorRate probability of a wrong answer, in [0, 1]
   * @param seed seed of the generator that draws errors and wrong classes
   */
  public Oracle(OracleAnswers answers, double errorRate, long seed) {
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException(
          "the error rate must be between 0 and 1, got " + errorRate);
    }
    this.answers = answers;
    this.errorRate = errorRate;
    this.random = new Random(seed);
  }

  /** Answers a request whose classes are {@code request.classes()}. */
  public Verdict decide(QueuedRequest request) {
    Optional<String> truth = answers.lookup(request.request());
    if (truth.isEmpty()) {
      return Verdict.cannotAnswer(
          "no answer for content id '" + request.contentId() + "' nor for its text");
    }
    List<String> classes = request.classes();
    if (!classes.contains(truth.get())) {
      return Verdict.cannotAnswer(
          "the answer '"
              + truth.get()
              + "' for '"
              + request.contentId()
              + "' is not one of the classes of "
              + request.classifier()
              + " "
              + classes);
    }
    if (errorRate > 0 && random.nextDouble() < errorRate) {
      List<String> others = classes.stream().filter(c -> !c.equals(truth.get())).toList();
      return Verdict.answer(others.get(random.nextInt(others.size())), true);
    }
    return Verdict.answer(truth.get(), false);
  }

  public double errorRate() {
    return errorRate;
  }
}
