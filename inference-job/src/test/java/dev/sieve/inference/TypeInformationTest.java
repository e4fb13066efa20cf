package dev.sieve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.inference.config.InferenceConfig;
import dev.sieve.inference.functions.MicroBatchInferenceOperator;
import dev.sieve.inference.functions.ModelRecordDecoder;
import dev.sieve.inference.io.InferenceSources;
import dev.sieve.model.SigningKey;
import dev.sieve.schemas.ModelVersion;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.TupleSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** No record between inference-job's operators, or in its state, falls back to Kryo. */
class TypeInformationTest {

  private static final InferenceConfig CONFIG =
      InferenceConfig.fromArgs(
          "--bootstrap-servers=k:9092",
          "--registry-url=http://r:8081",
          "--model-trusted-keys=" + SigningKey.generate().publicBase64());

  @Test
  void recordsBetweenOperatorsAreAvroOrPojos() {
    assertThat(InferenceJob.CONTENT).isInstanceOf(AvroTypeInfo.class);
    assertThat(InferenceJob.MODEL_UPDATE).isInstanceOf(PojoTypeInfo.class);
    assertThat(((PojoTypeInfo<?>) InferenceJob.MODEL_UPDATE).getTypeAt("version"))
        .isInstanceOf(AvroTypeInfo.class);
    assertThat(InferenceJob.MODEL_UPDATE.createSerializer(new SerializerConfigImpl()))
        .isInstanceOf(PojoSerializer.class);
    assertThat(InferenceJob.PREDICTION).isInstanceOf(AvroTypeInfo.class);
    assertThat(MicroBatchInferenceOperator.SCORED.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    assertThat(MicroBatchInferenceOperator.ALERTS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    assertThat(ModelRecordDecoder.ALERTS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    assertThat(InferenceSources.content(CONFIG).getProducedType()).isInstanceOf(AvroTypeInfo.class);
    assertThat(InferenceSources.models(CONFIG).getProducedType()).isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void acceptedVersionsAreKeptAsAvroInState() throws Exception {
    MapStateDescriptor<String, ModelVersion> descriptor =
        InstantiationUtil.clone(MicroBatchInferenceOperator.ACCEPTED_VERSIONS);
    descriptor.initializeSerializerUnlessSet(new ExecutionConfig());

    assertThat(descriptor.getValueSerializer()).isInstanceOf(AvroSerializer.class);
  }

  @Test
  void heldContentAndModelTopicPositionsAreKeptAsTuplesWithoutKryo() throws Exception {
    ListStateDescriptor<?> held = InstantiationUtil.clone(MicroBatchInferenceOperator.HELD_CONTENT);
    held.initializeSerializerUnlessSet(new ExecutionConfig());
    ListStateDescriptor<?> positions = InstantiationUtil.clone(ModelRecordDecoder.POSITIONS);
    positions.initializeSerializerUnlessSet(new ExecutionConfig());

    TupleSerializer<?> heldSerializer = (TupleSerializer<?>) held.getElementSerializer();
    assertThat(heldSerializer.getFieldSerializers()[0]).isInstanceOf(AvroSerializer.class);
    assertThat(heldSerializer.getFieldSerializers())
        .noneMatch(s -> s.getClass().getName().contains("Kryo"));
    assertThat(positions.getElementSerializer()).isInstanceOf(TupleSerializer.class);
  }

  @Test
  void theJobDisablesGenericTypesAndCheckpointsExactlyOnce() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, CONFIG.common(), CONFIG.describe());

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(5_000L);
    assertThat(env.getConfig().getGlobalJobParameters().toMap())
        .containsEntry(InferenceConfig.MAX_HEAD_BYTES, Integer.toString(16 << 20));
  }
}
