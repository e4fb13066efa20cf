package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.model.EmbeddingModel;
import dev.sieve.schemas.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code sieve import} accepts from a line, and why it skips the others; and the classifiers
 * whose embeddings it cannot reproduce.
 */
class LabelledLineTest {

  private static final List<String> LABELS = List.of("spam", "ham");

  private static LabelledLine.Parsed parse(String line) {
    return LabelledLine.parse(line, LABELS);
  }

  @Test
  void readsIdTextLabelAndAnOptionalLabelingTimeIgnoringOtherFields() {
    LabelledLine.Parsed p =
        parse(
            "{\"id\": 42, \"text\": \"  Cafe\\u0301\\u0007 \", \"label\": \"ham\", \"split\":"
                + " \"train\", \"labeler\": \"ann\", \"labeledAtMs\": 1700000000000}");
    assertThat(p.ok()).as(p.problem()).isTrue();
    assertThat(p.id()).isEqualTo("42");
    assertThat(p.text()).isEqualTo("Café"); // as ingest-job normalises it: NFC, no control, trimmed
    assertThat(p.label()).isEqualTo("ham");
    assertThat(p.labeledAtMs()).isEqualTo(1_700_000_000_000L);
    assertThat(parse("{\"id\":\"a\",\"text\":\"t\",\"label\":\"spam\"}").labeledAtMs()).isNull();
  }

  @Test
  void cutsALongTextAtIngestsSoftCap() {
    String text = "z".repeat(LabelledLine.SOFT_CAP_CHARS + 5);
    LabelledLine.Parsed p = parse("{\"id\":\"a\",\"text\":\"" + text + "\",\"label\":\"spam\"}");
    assertThat(p.text()).hasSize(LabelledLine.SOFT_CAP_CHARS);
  }

  @Test
  void saysWhyALineIsSkipped() {
    assertThat(parse("{\"id\": \"a\", \"text\": \"t\"").problem()).startsWith("invalid JSON");
    assertThat(parse("[1, 2]").problem()).startsWith("not a JSON object");
    assertThat(parse("{\"text\":\"t\",\"label\":\"spam\"}").problem()).isEqualTo("no \"id\"");
    assertThat(parse("{\"id\":1.5,\"text\":\"t\",\"label\":\"spam\"}").problem())
        .isEqualTo("\"id\" is not a string or a whole number");
    assertThat(parse("{\"id\":\" \",\"text\":\"t\",\"label\":\"spam\"}").problem())
        .isEqualTo("the id is empty");
    assertThat(parse("{\"id\":\"a\",\"text\":3,\"label\":\"spam\"}").problem())
        .isEqualTo("no \"text\" string");
    assertThat(parse("{\"id\":\"a\",\"text\":\"t\"}").problem()).isEqualTo("no \"label\" string");
    assertThat(parse("{\"id\":\"a\",\"text\":\"t\",\"label\":\"eggs\"}").problem())
        .isEqualTo("label 'eggs' is not one of the classifier's labels (spam, ham)");
    assertThat(
            parse("{\"id\":\"a\",\"text\":\"t\",\"label\":\"spam\",\"labeledAtMs\":-1}").problem())
        .isEqualTo("\"labeledAtMs\" is not a whole number of epoch milliseconds");
    assertThat(parse("{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\",\"label\":\"spam\"}").problem())
        .startsWith("invalid JSON: Duplicate field 'id'");
    assertThat(parse("{\"id\":\"a\",\"text\":\"\\u0000 \",\"label\":\"spam\"}").problem())
        .startsWith("the text is empty");
    assertThat(
            parse("{\"id\":\"" + "i".repeat(513) + "\",\"text\":\"t\",\"label\":\"spam\"}")
                .problem())
        .isEqualTo("the id has 513 characters, more than the cap of 512");
    assertThat(
            parse(
                    "{\"id\":\"a\",\"text\":\""
                        + "y".repeat(LabelledLine.HARD_CAP_CHARS + 1)
                        + "\",\"label\":\"spam\"}")
                .problem())
        .isEqualTo("the text has 20001 characters, more than the hard cap of 20000");
  }

  @Test
  void importRefusesAClassifierBuiltOnAnotherNetworkOrAnotherBuildOfIt() {
    ModelVersion version =
        ModelVersion.newBuilder(ModelFixtures.version(0, null, "zero-shot", null))
            .setEmbeddingModelDigest(EmbeddingModel.MINILM_L6_V2_Q.digest())
            .build();
    assertThat(ImportCommand.embeddingModelOf(version)).isEqualTo(EmbeddingModel.MINILM_L6_V2_Q);
    assertThatThrownBy(
            () ->
                ImportCommand.embeddingModelOf(
                    ModelVersion.newBuilder(version).setEmbeddingModelDigest("00ff").build()))
        .hasMessageContaining("was built on all-minilm-l6-v2-q with sha256 00ff")
        .hasMessageContaining("its embeddings would not match the classifier's");
    assertThatThrownBy(
            () ->
                ImportCommand.embeddingModelOf(
                    ModelVersion.newBuilder(version).setEmbeddingModelId("bert-huge").build()))
        .hasMessageContaining("unknown embedding model id 'bert-huge'");
  }
}
