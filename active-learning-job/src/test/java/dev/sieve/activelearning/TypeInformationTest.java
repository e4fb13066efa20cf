package dev.sieve.activelearning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.activelearning.config.ActiveLearningConfig;
import dev.sieve.activelearning.functions.AccuracyCounts;
import dev.sieve.activelearning.functions.AskedSample;
import dev.sieve.activelearning.functions.DecodedLabel;
import dev.sieve.activelearning.functions.JoinedLabel;
import dev.sieve.activelearning.functions.ScoredItem;
import dev.sieve.activelearning.functions.StoredContent;
import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.learning.drift.DriftState;
import dev.sieve.learning.labels.Verdict;
import dev.sieve.learning.selection.SelectorState;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** No record between the job's operators, and no keyed state, falls back to Kryo. */
class TypeInformationTest {

  @Test
  void everyStateAndRecordClassIsAPojoWithoutKryo() {
    for (Class<?> type :
        List.of(
            SelectorState.class,
            DriftState.class,
            StoredContent.class,
            JoinedLabel.class,
            ScoredItem.class,
            AskedSample.class,
            AccuracyCounts.class,
            Verdict.class,
            KafkaRawRecord.class)) {
      PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
  }

  @Test
  void theDecodedLabelIsAPojoOfARawRecordAndAnAvroLabel() {
    PojoTypeInfo<DecodedLabel> type = (PojoTypeInfo<DecodedLabel>) DecodedLabel.TYPE;
    assertThat(type.getTypeAt("raw")).isInstanceOf(PojoTypeInfo.class);
    assertThat(type.getTypeAt("label")).isInstanceOf(AvroTypeInfo.class);
    // Serializer creation fails on a Kryo fallback when generic types are disabled.
    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false);
    assertThat(type.createSerializer(noKryo)).isNotNull();
  }

  @Test
  void recordsBetweenOperatorsAreAvroOrPojo() {
    assertThat(ActiveLearningJob.SCORED).isInstanceOf(AvroTypeInfo.class);
    assertThat(ActiveLearningJob.REQUEST).isInstanceOf(AvroTypeInfo.class);
    for (TypeInformation<?> type : List.of(ActiveLearningJob.ITEM, ActiveLearningJob.JOINED)) {
      assertThat(type).isInstanceOf(PojoTypeInfo.class);
    }
  }

  @Test
  void theJobDisablesGenericTypesAndCheckpoints() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ActiveLearningConfig config =
        ActiveLearningConfig.fromArgs("--bootstrap-servers=k:9092", "--registry-url=http://r:8081");
    JobEnvironment.configure(env, config.common(), config.describe());

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(5_000L);
  }
}
