package dev.sieve.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageProfileTest {

  private static final String OPERATOR =
      "[Micro-batch inference -> (Write predictions: Writer) (1/2)#0 tid=7]";

  @Test
  void givesEachSampleToTheFirstStageWhoseFramesItHas() {
    String collapsed =
        String.join(
            "\n",
            OPERATOR
                + ";dev/sieve/model/OnnxSentenceEmbedder.embed;ai/onnxruntime/OrtSession.run 50",
            OPERATOR + ";dev/sieve/model/HeadRunner.predict;ai/onnxruntime/OrtSession.run 3",
            OPERATOR
                + ";dev/sieve/model/OnnxSentenceEmbedder$Worker.tokenIds;ai/djl/huggingface/"
                + "tokenizers/jni/TokenizersLibrary.encode 4",
            OPERATOR
                + ";org/apache/flink/connector/kafka/sink/KafkaWriter.write;dev/sieve/core/serde/"
                + "ConfluentAvroSerializationSchema.serialize 2",
            OPERATOR + ";org/apache/flink/connector/kafka/sink/KafkaWriter.write;x/Y.z 1",
            OPERATOR + ";org/apache/flink/runtime/io/network/Something.run 6",
            "[Source Data Fetcher for Source: Read content (1/2)#0 tid=9];org/apache/kafka/clients/"
                + "consumer/KafkaConsumer.poll 5",
            "[kafka-producer-network-thread | producer-7 tid=11];org/apache/kafka/Sender.run 7",
            "[kafka-producer-network-thread | sieve-bench-client tid=12];x/Y.z 8",
            "[C2 CompilerThread0 tid=2];Compile 9",
            "[data-plane-kafka-request-handler-1 tid=3];kafka/server/KafkaApis.handle 10",
            "[flink-scheduler-1 tid=4];x/Y.z 11");

    Map<String, Long> samples = StageProfile.classify(collapsed);

    assertThat(samples)
        .containsEntry("ort", 50L)
        .containsEntry("heads", 3L)
        .containsEntry("tokenise", 4L)
        .containsEntry("serialise", 2L)
        .containsEntry("produce", 1L + 7L)
        .containsEntry("flink", 6L)
        .containsEntry("poll", 5L)
        .containsEntry(StageProfile.OUT_BENCH, 8L)
        .containsEntry(StageProfile.OUT_JIT_GC, 9L)
        .containsEntry(StageProfile.OUT_BROKER, 10L)
        .containsEntry(StageProfile.OUT_OTHER, 11L);
  }

  @Test
  void sharesTheProcessCpuTimeOutInProportionToSamples() {
    // e.g. an interval timer that fired for one in five of the CPU ms it should have
    Map<String, Long> ms =
        StageProfile.shareOut(Map.of("ort", 60L, "heads", 15L, StageProfile.OUT_JIT_GC, 25L), 500);

    assertThat(ms)
        .containsEntry("ort", 300L)
        .containsEntry("heads", 75L)
        .containsEntry(StageProfile.OUT_JIT_GC, 125L);
    assertThat(StageProfile.perEvent(ms, 2)).contains("ort_us=150000").contains("heads_us=37500");
  }
}
