package dev.sieve.inference.functions;

import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.ModelVersion;
import java.io.Serializable;
import java.util.function.Function;

/**
 * Creates, on each subtask, the reader of Confluent-framed {@link ModelVersion}s. A factory because
 * the registry client is not serializable; operator tests pass a fake. The reader throws {@code
 * AvroDecodeException} for bytes that are not a ModelVersion.
 */
@FunctionalInterface
public interface ModelReaderFactory extends Serializable {

  Function<byte[], ModelVersion> create();

  /** Readers that fetch writer schemas from the registry (cached per subtask). */
  static ModelReaderFactory viaRegistry(RegistryConfig registry) {
    return new ViaRegistry(registry);
  }

  /** The production factory. */
  record ViaRegistry(RegistryConfig registry) implements ModelReaderFactory {
    @Override
    public Function<byte[], ModelVersion> create() {
      return new ConfluentAvroCodec<>(new RestSchemaRegistryClient(registry), ModelVersion.class)
          ::decode;
    }
  }
}
