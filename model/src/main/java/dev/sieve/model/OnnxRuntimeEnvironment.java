package dev.sieve.model;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The single entry point to ONNX Runtime's process-wide environment. DJL's OnnxRuntime engine
 * creates the {@link OrtEnvironment} with its own settings when it starts; if anything else touches
 * {@code OrtEnvironment} first, DJL gets an environment it did not configure. So every Sieve class
 * that needs ONNX Runtime (the embedder through DJL, heads directly) goes through here, which
 * starts the DJL engine first, once per class loader.
 */
public final class OnnxRuntimeEnvironment {

  /** The DJL engine name; selected explicitly because the tokenizers jar registers another. */
  public static final String ENGINE = "OnnxRuntime";

  private OnnxRuntimeEnvironment() {}

  /** Starts DJL's OnnxRuntime engine (idempotent) and returns the shared environment. */
  public static OrtEnvironment get() {
    Holder.ENGINE_STARTED.hashCode();
    return OrtEnvironment.getEnvironment();
  }

  /**
   * Session options Sieve uses everywhere: a fixed number of intra-op threads (Flink already runs
   * one task thread per slot, so more threads per session oversubscribe the cores) and no
   * spin-waiting, which otherwise burns a core per session between calls.
   */
  public static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
    get();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  /** Lazy holder: class initialisation is the JVM's once-only, thread-safe guard. */
  private static final class Holder {
    static final Engine ENGINE_STARTED = start();

    private static Engine start() {
      // Defence in depth: the launchers set these, but a JVM that forgot must still never probe
      // the cloud metadata address or download natives. DJL reads both as env or system property,
      // when the engine starts; an explicit setting is left alone.
      setIfAbsent("ai.djl.offline", "true");
      setIfAbsent("OPT_OUT_TRACKING", "true");
      return Engine.getEngine(ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
      if (System.getProperty(key) == null && System.getenv(key) == null) {
        System.setProperty(key, value);
      }
    }
  }
}
