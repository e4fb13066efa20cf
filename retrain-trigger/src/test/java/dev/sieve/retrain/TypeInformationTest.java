package dev.sieve.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.model.SigningKey;
import dev.sieve.retrain.config.RetrainConfig;
import dev.sieve.retrain.functions.RetrainInput;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** No record between retrain-trigger's operators falls back to Kryo. */
class TypeInformationTest {

  @Test
  void theKeyedInputIsAPojoOfAvroFields() {
    PojoTypeInfo<RetrainInput> type = (PojoTypeInfo<RetrainInput>) RetrainInput.TYPE;
    assertThat(type.getTypeAt("example")).isInstanceOf(AvroTypeInfo.class);
    assertThat(type.getTypeAt("request")).isInstanceOf(AvroTypeInfo.class);
    assertThat(type.getTypeAt("model")).isInstanceOf(AvroTypeInfo.class);
  }

  @Test
  void recordsAndStateAreAvro() {
    assertThat(RetrainJob.LABELLED).isInstanceOf(AvroTypeInfo.class);
    assertThat(RetrainJob.REQUEST).isInstanceOf(AvroTypeInfo.class);
    assertThat(RetrainJob.MODEL).isInstanceOf(AvroTypeInfo.class);
  }

  @Test
  void theJobDisablesGenericTypes() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RetrainConfig config =
        RetrainConfig.fromArgs(
            "--bootstrap-servers=k:9092",
            "--registry-url=http://r:8081",
            "--signing-key-file=/nonexistent/k.key",
            "--model-trusted-keys=" + SigningKey.generate().publicBase64());
    JobEnvironment.configure(env, config.common(), config.describe());

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(5_000L);
  }
}
