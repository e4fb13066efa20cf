package dev.sieve.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A counted reference to an embedder shared through {@link SharedEmbedders}. It embeds like the
 * embedder it points to; {@link #close()} releases the reference (idempotently), and any use after
 * that fails, so a released handle can never touch a network that has since been closed.
 */
public final class EmbedderHandle implements SentenceEmbedder {

  private final OnnxSentenceEmbedder embedder;
  private final Runnable release;
  private final AtomicBoolean released = new AtomicBoolean();

  EmbedderHandle(OnnxSentenceEmbedder embedder, Runnable release) {
    this.embedder = embedder;
    this.release = release;
  }

  /** The shared embedder behind this handle (the same instance for every open handle). */
  public OnnxSentenceEmbedder shared() {
    check();
    return embedder;
  }

  @Override
  public int dimension() {
    return embedder.dimension();
  }

  @Override
  public String modelId() {
    return embedder.modelId();
  }

  @Override
  public String modelDigest() {
    return embedder.modelDigest();
  }

  @Override
  public float[][] embed(List<String> texts) {
    check();
    return embedder.embed(texts);
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }

  private void check() {
    if (released.get()) {
      throw new IllegalStateException("this " + embedder.modelId() + " handle was released");
    }
  }
}
