package dev.sieve.core.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.embedded.SharedStack;
import dev.sieve.schemas.ContentEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Proof of the wire format against a real registry: what the serde writes is read back by nothing
 * but plain Avro and plain HTTP, exactly as a Confluent client would read it.
 */
class ConfluentWireFormatIT {

  @Test
  void serdeBytesDecodeWithPlainAvroAndTheSchemaFetchedOverPlainHttp() throws Exception {
    String url = SharedStack.get().registryUrl();
    String topic = "it-wire-" + UUID.randomUUID();
    ContentEvent event =
        ContentEvent.newBuilder()
            .setId("c-42")
            .setText("Win a free cruise, reply YES")
            .setSource("sms")
            .setTimestampMs(1_700_000_000_000L)
            .setAttributes(Map.of("lang", "en"))
            .build();

    byte[] bytes =
        new ConfluentAvroCodec<>(RestSchemaRegistryClient.forUrl(url), ContentEvent.class)
            .encode(topic, event);

    assertThat(bytes[0]).as("magic byte").isZero();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    Schema writer =
        new Schema.Parser()
            .parse(new ObjectMapper().readTree(answer.body()).get("schema").asText());
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
    GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null, decoder);

    assertThat(decoder.isEnd()).as("nothing left after one record").isTrue();
    assertThat(record.get("id").toString()).isEqualTo("c-42");
    assertThat(record.get("text").toString()).isEqualTo("Win a free cruise, reply YES");
    assertThat(record.get("source").toString()).isEqualTo("sms");
    assertThat(record.get("timestampMs")).isEqualTo(1_700_000_000_000L);
    assertThat(((Map<?, ?>) record.get("attributes")).toString()).isEqualTo("{lang=en}");
  }

  @Test
  void flinkSchemasRoundTripThroughTheRegistry() {
    RegistryConfig config = RegistryConfig.forUrl(SharedStack.get().registryUrl());
    String topic = "it-flink-" + UUID.randomUUID();
    ConfluentAvroSerializationSchema<ContentEvent> serializer =
        new ConfluentAvroSerializationSchema<>(config, topic, ContentEvent.class);
    ConfluentAvroDeserializationSchema<ContentEvent> deserializer =
        new ConfluentAvroDeserializationSchema<>(config, ContentEvent.class);
    serializer.open(null);
    deserializer.open(null);
    ContentEvent event = ContentEvent.newBuilder().setId("c-7").setText("hello flink").build();

    byte[] bytes = serializer.serialize(event);

    assertThat(deserializer.deserialize(bytes)).isEqualTo(event);
    assertThat(RestSchemaRegistryClient.forUrl(config.urls().get(0)).latest(topic + "-value").id())
        .isEqualTo(ConfluentAvroCodec.schemaIdOf(bytes));
  }
}
