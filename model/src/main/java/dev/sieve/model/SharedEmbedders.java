package dev.sieve.model;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded embedding network per JVM, shared by every caller (every Flink subtask of every job in
 * a TaskManager), with reference counting. {@link #acquire} loads the network on first use and
 * returns a handle; closing the handle releases it, and releasing the last handle closes the
 * network. Bound: at most one loaded copy per (model, options) pair at any time, and none once
 * every handle is closed, so a job cancelled and resubmitted in the same JVM loads a fresh copy
 * instead of adding one per submission.
 *
 * <p>"Per JVM" holds when this class is loaded once per JVM: on a Flink cluster, put the
 * sieve-model jar and the DJL, ONNX Runtime and tokenizers jars in Flink's {@code lib/} (parent
 * class loader), not only in the job jar, or each job's child-first class loader gets its own copy
 * of this registry (and of the native libraries).
 */
public final class SharedEmbedders {

  private static final Logger LOG = LoggerFactory.getLogger(SharedEmbedders.class);

  private record Key(EmbeddingModel model, EmbedderOptions options) {}

  private static final class Entry {
    final OnnxSentenceEmbedder embedder;
    int references;

    Entry(OnnxSentenceEmbedder embedder) {
      this.embedder = embedder;
    }
  }

  // Guarded by the class lock. Loading happens under it too: it is rare (job start) and keeps
  // two subtasks starting together from loading the same network twice.
  private static final Map<Key, Entry> ENTRIES = new HashMap<>();

  private SharedEmbedders() {}

  /** A handle on the shared embedder for the default model and options. */
  public static EmbedderHandle acquire() throws IOException {
    return acquire(EmbeddingModel.DEFAULT, EmbedderOptions.defaults());
  }

  /** A handle on the shared embedder; close it (once) when done, e.g. in an operator's close(). */
  public static synchronized EmbedderHandle acquire(EmbeddingModel model, EmbedderOptions options)
      throws IOException {
    Key key = new Key(model, options);
    Entry entry = ENTRIES.get(key);
    if (entry == null) {
      entry = new Entry(OnnxSentenceEmbedder.load(model, options));
      ENTRIES.put(key, entry);
    }
    entry.references++;
    LOG.debug("Acquired {} ({} references)", model.id(), entry.references);
    return new EmbedderHandle(entry.embedder, () -> release(key));
  }

  /** Open handles on the embedder for this pair (0 when it is not loaded). */
  public static synchronized int references(EmbeddingModel model, EmbedderOptions options) {
    Entry entry = ENTRIES.get(new Key(model, options));
    return entry == null ? 0 : entry.references;
  }

  private static synchronized void release(Key key) {
    Entry entry = ENTRIES.get(key);
    if (entry == null) {
      return;
    }
    if (--entry.references == 0) {
      ENTRIES.remove(key);
      entry.embedder.close();
      LOG.info("Released the last handle on {}: network closed", key.model().id());
    }
  }
}
