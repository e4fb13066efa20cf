package dev.sieve.tools.calibrate;

import dev.sieve.learning.datasets.EmbeddingCache;
import dev.sieve.learning.datasets.Evaluation;
import dev.sieve.learning.datasets.LabelledTexts;
import dev.sieve.learning.datasets.ParallelEmbedding;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SentenceEmbedder;
import dev.sieve.model.SharedEmbedders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Embeds the splits of a labelled dataset with the serving network, through the file cache that
 * {@code sieve eval} uses, under the same {@link Evaluation#cacheKey} names, so embeddings cached
 * by either command serve the other. The network is only loaded when some split is not cached.
 */
final class DatasetEmbeddings implements AutoCloseable {

  private final EmbeddingModel model;
  private final Path cacheDir;
  private final PrintStream progress;
  private SentenceEmbedder embedder;

  DatasetEmbeddings(EmbeddingModel model, Path cacheDir, PrintStream progress) {
    this.model = model;
    this.cacheDir = cacheDir;
    this.progress = progress;
  }

  /** One unit-length row per row of {@code rows}, in order. */
  float[][] embed(String dataset, String split, List<LabelledTexts.Row> rows) throws IOException {
    List<String> texts = rows.stream().map(LabelledTexts.Row::text).toList();
    if (cacheDir == null) {
      return compute(texts, dataset + " " + split);
    }
    return EmbeddingCache.load(
        cacheDir.resolve(Evaluation.cacheKey(dataset, split, rows, Evaluation.cacheModel(model))),
        () -> compute(texts, dataset + " " + split));
  }

  private float[][] compute(List<String> texts, String what) {
    try {
      if (embedder == null) {
        embedder = SharedEmbedders.acquire(model, EmbedderOptions.defaults());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the embedding network " + model.id(), e);
    }
    int threads = Runtime.getRuntime().availableProcessors();
    return ParallelEmbedding.embed(embedder, texts, threads, what, progress);
  }

  @Override
  public void close() {
    if (embedder != null) {
      embedder.close();
    }
  }
}
