package dev.sieve.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tail lines, tail JSON, produce's line parsing and its progress line, on fixed records. */
class RecordLinesTest {

  @Test
  void predictionLineIsCompact() {
    assertThat(RecordLines.prediction(Records.prediction("msg-1", "spam", "ham", "spam", 0.934, 3)))
        .isEqualTo("msg-1  spam  ham (0.93)  v3  12 ms");
  }

  @Test
  void otherTopicsHaveTheirOwnLines() {
    LabelRequest request =
        LabelRequest.newBuilder()
            .setContentId("msg-2")
            .setClassifier("spam")
            .setText("WIN a   prize\nnow")
            .setGuess("spam")
            .setConfidence(0.51)
            .setScores(Map.of("spam", 0.51, "ham", 0.49))
            .setModelVersion(2)
            .setStrategy("margin")
            .setSelectionScore(0.02)
            .setRandomShare(true)
            .setRequestedAtMs(1)
            .build();
    assertThat(RecordLines.request(request))
        .isEqualTo("msg-2  spam  spam (0.51)  v2  margin 0.020 (random)  \"WIN a prize now\"");
    assertThat(
            RecordLines.label(
                Label.newBuilder()
                    .setContentId("msg-2")
                    .setClassifier("spam")
                    .setLabel("ham")
                    .setLabeler("alice")
                    .setLabeledAtMs(1)
                    .build()))
        .isEqualTo("msg-2  spam  ham  by alice");
    assertThat(
            RecordLines.drift(
                DriftAlert.newBuilder()
                    .setClassifier("spam")
                    .setDetector("confidence-psi")
                    .setStatistic(0.3124)
                    .setThreshold(0.2)
                    .setReferenceSize(1000)
                    .setWindowSize(500)
                    .setModelVersion(3)
                    .setDetectedAtMs(1)
                    .build()))
        .isEqualTo(
            "spam  confidence-psi  statistic 0.312 (threshold 0.200)  v3  window 500, reference"
                + " 1000");
    DriftWindow.Builder window =
        DriftWindow.newBuilder()
            .setClassifier("topic")
            .setDetector("centroid-cosine")
            .setStatistic(0.0307)
            .setThreshold(0.075)
            .setAlerted(false)
            .setReferenceSize(200)
            .setWindowSize(200)
            .setModelVersion(1)
            .setAtEvent(400)
            .setClosedAtMs(1);
    assertThat(RecordLines.driftWindow(window.build()))
        .isEqualTo(
            "topic  centroid-cosine  0.031 <= 0.075  v1  at event 400 (window 200, reference 200)");
    assertThat(
            RecordLines.driftWindow(
                window.setStatistic(0.0952).setAlerted(true).setAtEvent(800).build()))
        .isEqualTo(
            "topic  centroid-cosine  0.095 > 0.075 ALERT  v1  at event 800 (window 200, reference"
                + " 200)");
    assertThat(RecordLines.accuracy(Records.accuracy("spam", 3, 13, 16, 0, 0, 1)))
        .isEqualTo("spam  v3  accuracy 0.813 (13/16)  unbiased - (0/0)");
    assertThat(
            RecordLines.model(
                ModelVersion.newBuilder()
                    .setClassifier("spam")
                    .setVersion(0)
                    .setLabels(List.of("spam", "ham"))
                    .setHead(ByteBuffer.wrap(new byte[] {1}))
                    .setEmbeddingModelId("m")
                    .setEmbeddingModelDigest("d")
                    .setReason("zero-shot")
                    .setCreatedAtMs(1)
                    .setDigest("x")
                    .build()))
        .isEqualTo("spam  v0 (parent -)  zero-shot  labels spam,ham  no metrics  unsigned");
  }

  @Test
  void deadLettersShowTheirKeyAsTextOrAsASize() {
    DeadLetter.Builder letter =
        DeadLetter.newBuilder()
            .setReason("EMPTY_TEXT")
            .setMessage("the text is empty")
            .setSourceTopic("sieve.content.raw")
            .setSourcePartition(1)
            .setSourceOffset(48213)
            .setRejectedAtMs(1);
    assertThat(
            RecordLines.deadLetter(
                letter
                    .setKey(ByteBuffer.wrap("msg-1843".getBytes(StandardCharsets.UTF_8)))
                    .build()))
        .isEqualTo("EMPTY_TEXT  sieve.content.raw 1@48213  key \"msg-1843\"  the text is empty");
    assertThat(
            RecordLines.deadLetter(letter.setKey(ByteBuffer.wrap(new byte[] {0, -1, 3})).build()))
        .contains("key (3 bytes)");
    assertThat(RecordLines.deadLetter(letter.setKey(null).build())).contains("key (none)");
  }

  @Test
  void longTextsAreCutOnOneLine() {
    ContentEvent event =
        ContentEvent.newBuilder().setId("c1").setText("x".repeat(200)).setSource("chat").build();
    assertThat(RecordLines.content(event)).isEqualTo("c1  chat  \"" + "x".repeat(80) + "…\"");
  }

  @Test
  void jsonIsPlainWithUnionsUnwrappedBytesInBase64AndNanAsNull() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    LiveAccuracy noRandomLabels = Records.accuracy("spam", 3, 13, 16, 0, 0, 7);
    JsonNode accuracy = mapper.readTree(AvroJson.toJson(noRandomLabels));
    assertThat(accuracy.get("accuracy").asDouble()).isEqualTo(0.8125);
    assertThat(accuracy.get("unbiasedAccuracy").isNull()).isTrue();
    assertThat(accuracy.get("labels").asLong()).isEqualTo(16);

    ContentEvent event =
        ContentEvent.newBuilder()
            .setId("c1")
            .setText("héllo \"you\"")
            .setSource("chat")
            .setAttributes(Map.of("lang", "en"))
            .build();
    JsonNode content = mapper.readTree(AvroJson.toJson(event));
    assertThat(content.get("source").asText()).isEqualTo("chat"); // not {"string": "chat"}
    assertThat(content.get("text").asText()).isEqualTo("héllo \"you\"");
    assertThat(content.get("timestampMs").isNull()).isTrue();
    assertThat(content.get("attributes").get("lang").asText()).isEqualTo("en");

    DeadLetter letter =
        DeadLetter.newBuilder()
            .setReason("R")
            .setMessage("m")
            .setSourceTopic("t")
            .setSourcePartition(0)
            .setSourceOffset(0)
            .setValue(ByteBuffer.wrap(new byte[] {0, 1, 2}))
            .setRejectedAtMs(1)
            .build();
    assertThat(mapper.readTree(AvroJson.toJson(letter)).get("value").asText()).isEqualTo("AAEC");
  }

  @Test
  void produceSkipsLinesThatAreNotContentEvents() {
    assertThat(ContentLine.parse("{\"id\": 7, \"text\": \"hi\", \"source\": \"app\"}").event())
        .isEqualTo(ContentEvent.newBuilder().setId("7").setText("hi").setSource("app").build());
    assertThat(
            ContentLine.parse("{\"id\": \"a\", \"text\": \"hi\", \"timestampMs\": 5}")
                .event()
                .getTimestampMs())
        .isEqualTo(5L);
    assertThat(ContentLine.parse("{\"id\": \"a\", \"text\": \"hi\"").problem())
        .startsWith("invalid JSON");
    assertThat(ContentLine.parse("just text").problem())
        .isEqualTo("not a JSON object: a line must look like {\"id\": ..., \"text\": ...}");
    assertThat(ContentLine.parse("{\"id\": \"a\"}").problem())
        .isEqualTo("the JSON object has no \"text\" field");
    assertThat(ContentLine.parse("{\"text\": \"hi\"}").problem())
        .isEqualTo("the JSON object has no \"id\" field");
    assertThat(ContentLine.parse("{\"id\": \" \", \"text\": \"hi\"}").problem())
        .isEqualTo("\"id\" is blank");
    assertThat(ContentLine.parse("{\"id\": \"a\", \"text\": \"  \"}").problem())
        .isEqualTo("\"text\" is blank");
    assertThat(ContentLine.parse("[1, 2]").problem()).startsWith("expected a JSON object");
  }

  @Test
  void theProgressLineHasABarOnlyWhenTheSizeIsKnown() {
    assertThat(ProgressLine.render(12_345, 2, 450, 1000, 2.0))
        .isEqualTo("sent 12,345  skipped 2  6,173 records/s  [###########-------------]  45 %");
    assertThat(ProgressLine.render(10, 0, 999, -1, 0.0))
        .isEqualTo("sent 10  skipped 0  0 records/s");
  }
}
