package dev.sieve.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.job.JobEnvironment;
import dev.sieve.core.kafka.KafkaRawRecord;
import dev.sieve.core.kafka.RawRecordDeserializationSchema;
import dev.sieve.ingest.config.IngestConfig;
import dev.sieve.ingest.functions.ContentDecoder;
import dev.sieve.ingest.functions.ContentValidator;
import dev.sieve.ingest.functions.DecodedContent;
import dev.sieve.schemas.ContentEvent;
import dev.sieve.schemas.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** No record between ingest-job's operators falls back to Kryo. */
class TypeInformationTest {

  @Test
  void rawRecordsArePojos() {
    assertThat(new RawRecordDeserializationSchema().getProducedType())
        .isInstanceOf(PojoTypeInfo.class)
        .isNotInstanceOf(GenericTypeInfo.class);
    assertThat(TypeInformation.of(KafkaRawRecord.class)).isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void decodedContentIsAPojoWithAnAvroField() {
    assertThat(DecodedContent.TYPE).isInstanceOf(PojoTypeInfo.class);
    assertThat(((PojoTypeInfo<DecodedContent>) DecodedContent.TYPE).getTypeAt("event"))
        .isInstanceOf(AvroTypeInfo.class);
    assertThat(TypeInformation.of(DecodedContent.class)).isNotInstanceOf(GenericTypeInfo.class);
  }

  @Test
  void contentEventsAreAvro() {
    assertThat(IngestJob.CONTENT).isInstanceOf(AvroTypeInfo.class);
    assertThat(TypeInformation.of(ContentEvent.class)).isNotInstanceOf(GenericTypeInfo.class);
  }

  @Test
  void deadLettersAreAvro() {
    assertThat(ContentDecoder.DEAD_LETTERS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    assertThat(ContentValidator.DEAD_LETTERS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
    assertThat(TypeInformation.of(DeadLetter.class)).isNotInstanceOf(GenericTypeInfo.class);
  }

  @Test
  void theJobDisablesGenericTypes() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    IngestConfig config =
        IngestConfig.fromArgs("--bootstrap-servers=k:9092", "--registry-url=http://r:8081");
    JobEnvironment.configure(env, config.common(), config.describe());

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(5_000L);
  }
}
