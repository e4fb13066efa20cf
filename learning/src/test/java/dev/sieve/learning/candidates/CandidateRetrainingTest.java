package dev.sieve.learning.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.learning.datasets.DemoCorpus;
import dev.sieve.learning.training.ChallengerTraining;
import dev.sieve.learning.training.LabelledSet;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.HeadRunner;
import dev.sieve.model.ModelBounds;
import dev.sieve.model.ModelVersionValidator;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.OnnxHeads;
import dev.sieve.model.OnnxSentenceEmbedder;
import dev.sieve.model.SigningKey;
import dev.sieve.model.SigningKeySource;
import dev.sieve.model.Validation;
import dev.sieve.schemas.CandidateScore;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training retrain-trigger runs, on the demo corpus with the real MiniLM network: a version
 * chosen among candidates, signed with what its head reads, that the inference job's validator
 * accepts and that classifies texts it never saw; the same set against that version publishes
 * nothing (it has trained on every label, so there is nothing to compare it on).
 */
class CandidateRetrainingTest {

  private static final SigningKey KEY = SigningKey.generate();
  private static final EmbeddingModel MINILM = EmbeddingModel.MINILM_L6_V2_Q;
  @TempDir static Path dir;

  @Test
  void publishesTheChosenCandidateWithItsFeaturesAndTable() throws Exception {
    List<DemoCorpus.Item> items = DemoCorpus.load().phase(DemoCorpus.BEFORE_SHIFT);
    List<DemoCorpus.Item> train = items.subList(0, Math.min(240, items.size() / 2));
    List<DemoCorpus.Item> unseen = items.subList(items.size() / 2, items.size());
    LabelledSet set;
    try (OnnxSentenceEmbedder embedder =
        OnnxSentenceEmbedder.load(MINILM, EmbedderOptions.defaults())) {
      float[][] rows = embedder.embed(train.stream().map(DemoCorpus.Item::text).toList());
      LabelledSet.Builder builder = LabelledSet.builder().labelOrder(DemoCorpus.LABELS);
      for (int i = 0; i < rows.length; i++) {
        DemoCorpus.Item item = train.get(i);
        builder.add(item.id(), item.label(), item.text(), rows[i], 1L);
      }
      set = builder.build();
    }
    CandidateRetraining training = new CandidateRetraining(0.01, source(), 0, List.of(MINILM.id()));

    ChallengerTraining.Result result = training.train(set, uninformed(), "new-labels", 5L);

    ModelVersion v = result.published();
    assertThat(v).as(result.decision()).isNotNull();
    assertThat(v.getVersion()).isEqualTo(1);
    assertThat(v.getCandidates())
        .hasSize(
            (2 + CandidateSelection.DEFAULT_LEXICAL_SCALES.size())
                * CandidateSelection.DEFAULT_C_GRID.size());
    List<CandidateScore> chosen =
        v.getCandidates().stream().filter(CandidateScore::getChosen).toList();
    assertThat(chosen).hasSize(1);
    assertThat(v.getReason()).contains(chosen.get(0).getName());
    assertThat(v.getMetrics().getMacroF1()).isEqualTo(chosen.get(0).getMacroF1());

    ModelVersionValidator validator =
        ModelVersionValidator.forNetworks(KEY.trusted(), ModelBounds.defaults(), List.of(MINILM));
    Validation accepted = validator.validate(v);
    assertThat(accepted.ok()).as(accepted.message()).isTrue();
    int right = 0;
    try (HeadRunner head = accepted.head();
        OnnxSentenceEmbedder embedder =
            OnnxSentenceEmbedder.load(MINILM, EmbedderOptions.defaults())) {
      List<String> texts = unseen.stream().map(DemoCorpus.Item::text).toList();
      float[][] embedded = embedder.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        float[] row =
            accepted
                .features()
                .assemble(
                    accepted.featuriser() == null
                        ? null
                        : accepted.featuriser().features(texts.get(i)),
                    embedded[i]);
        float[] p = head.predict(new float[][] {row})[0];
        int best = 0;
        for (int k = 1; k < p.length; k++) {
          best = p[k] > p[best] ? k : best;
        }
        right += v.getLabels().get(best).equals(unseen.get(i).label()) ? 1 : 0;
      }
    }
    assertThat((double) right / unseen.size())
        .as("accuracy on unseen demo texts")
        .isGreaterThan(0.7);

    ChallengerTraining.Result again = training.train(set, v, "manual", 6L);
    training.close();
    // Every label was received (at 1 ms) before version 1 was made (at 5 ms): it trained on all of
    // them, so nothing is left to compare on and it stays.
    assertThat(again.published()).as(again.decision()).isNull();
    assertThat(again.decision()).startsWith("no labels since the champion was trained");
  }

  /** Version 0 on MiniLM that knows nothing: all-zero weights, so it always answers one label. */
  private static ModelVersion uninformed() {
    int k = DemoCorpus.LABELS.size();
    return ModelVersions.signed(
        ModelVersion.newBuilder()
            .setClassifier("topic")
            .setVersion(0)
            .setLabels(DemoCorpus.LABELS)
            .setHead(ByteBuffer.wrap(OnnxHeads.linearSoftmax(new float[k][384], new float[k])))
            .setEmbeddingModelId(MINILM.id())
            .setEmbeddingModelDigest(MINILM.digest())
            .setReason("zero-shot")
            .setCreatedAtMs(0)
            .setDigest(""),
        KEY);
  }

  private static SigningKeySource source() throws Exception {
    Path file = dir.resolve("retrain.key");
    if (!Files.exists(file)) {
      Files.writeString(file, KEY.privatePem());
    }
    return SigningKeySource.file(file);
  }
}
