package dev.sieve.activelearning.functions;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.Label;
import java.io.Serializable;

/**
 * Creates, on each subtask, the reader of Confluent-framed {@link Label}s. A factory because the
 * registry client is not serializable; operator tests pass one over an in-memory registry.
 */
@FunctionalInterface
public interface LabelReaderFactory extends Serializable {

  /** Reads one record; throws {@code AvroDecodeException} for bytes that are not a Label. */
  interface LabelReader {
    Label read(byte[] confluentFramed);
  }

  LabelReader create();

  /** Readers that fetch writer schemas from the registry (cached per subtask). */
  static LabelReaderFactory viaRegistry(RegistryConfig registry) {
    return new ViaRegistry(registry);
  }

  /** The production factory. */
  record ViaRegistry(RegistryConfig registry) implements LabelReaderFactory {
    @Override
    public LabelReader create() {
      return new ConfluentAvroCodec<>(new RestSchemaRegistryClient(registry), Label.class)::decode;
    }
  }
}
