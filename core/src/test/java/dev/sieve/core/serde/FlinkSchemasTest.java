package dev.sieve.core.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.schemas.ContentEvent;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The Flink adapters ship to task managers and produce Avro type info, never Kryo. */
class FlinkSchemasTest {

  private static final RegistryConfig REGISTRY = RegistryConfig.forUrl("http://127.0.0.1:1");

  @Test
  void deserializationSchemaProducesAvroTypeInfo() {
    TypeInformation<ContentEvent> type =
        new ConfluentAvroDeserializationSchema<>(REGISTRY, ContentEvent.class).getProducedType();

    assertThat(type).isInstanceOf(AvroTypeInfo.class);
    assertThat(type.createSerializer(new SerializerConfigImpl()))
        .isInstanceOf(AvroSerializer.class);
  }

  @Test
  void bothSchemasAreSerializableBeforeOpen() throws Exception {
    ConfluentAvroSerializationSchema<ContentEvent> serializer =
        new ConfluentAvroSerializationSchema<>(REGISTRY, "sieve.content", ContentEvent.class);
    ConfluentAvroDeserializationSchema<ContentEvent> deserializer =
        new ConfluentAvroDeserializationSchema<>(REGISTRY, ContentEvent.class);

    assertThat(InstantiationUtil.clone(serializer)).isNotNull();
    assertThat(InstantiationUtil.clone(deserializer).getProducedType())
        .isEqualTo(deserializer.getProducedType());
  }
}
