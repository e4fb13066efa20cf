package dev.sieve.retrain.functions;

import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.schemas.ModelVersion;
import java.util.Arrays;

/**
 * A plain-Java stand-in for the real training: publishes (or not) the champion's next version,
 * writing what it was given into the reason as {@code trigger|size|first content id|labels|class
 * counts}, so a test reads every training from the operator's output.
 */
final class FakeTraining implements ChallengerTraining {

  private static final long serialVersionUID = 1L;

  private final boolean publish;

  FakeTraining(boolean publish) {
    this.publish = publish;
  }

  @Override
  public Result train(LabelledSet set, ModelVersion champion, String trigger, long nowMs) {
    if (!publish) {
      return new Result(null, "not better");
    }
    String seen =
        trigger
            + "|"
            + set.size()
            + "|"
            + set.contentId(0)
            + "|"
            + String.join(",", set.labelOrder())
            + "|"
            + Arrays.toString(set.classCounts());
    return new Result(
        ModelVersion.newBuilder(champion)
            .setVersion(champion.getVersion() + 1)
            .setParentVersion(champion.getVersion())
            .setLabels(set.labelOrder())
            .setReason(seen)
            .setCreatedAtMs(nowMs)
            .build(),
        "better");
  }
}
