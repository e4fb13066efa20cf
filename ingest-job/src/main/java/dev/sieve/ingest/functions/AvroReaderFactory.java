package dev.sieve.ingest.functions;

import dev.sieve.core.content.RawContentDecoder;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ContentEvent;
import java.io.Serializable;

/**
 * Creates, on each subtask, the reader of Confluent-framed {@link ContentEvent}s. It is a factory
 * because the registry client is not serializable; operator tests pass a fake one.
 */
@FunctionalInterface
public interface AvroReaderFactory extends Serializable {

  RawContentDecoder.AvroReader create();

  /** Readers that fetch writer schemas from the registry (cached per subtask). */
  static AvroReaderFactory viaRegistry(RegistryConfig registry) {
    return new ViaRegistry(registry);
  }

  /** The production factory. */
  record ViaRegistry(RegistryConfig registry) implements AvroReaderFactory {
    @Override
    public RawContentDecoder.AvroReader create() {
      return new ConfluentAvroCodec<>(new RestSchemaRegistryClient(registry), ContentEvent.class)
          ::decode;
    }
  }
}
