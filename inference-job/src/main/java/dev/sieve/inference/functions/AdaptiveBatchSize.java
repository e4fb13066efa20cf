package dev.sieve.inference.functions;

/**
 * The micro-batch size of one subtask, sized from what it observes: the arrival rate of content
 * events and the share of time it spends scoring, over windows of {@link #WINDOW_MS}. At low load a
 * batch is one event, scored the moment it arrives (nothing to wait for: waiting for a second event
 * would only add to the first one's latency); as the rate grows a batch holds about what arrives in
 * one {@code maxWait}, and once the subtask is busy scoring at least {@link #SATURATED} of the time
 * (its input queues up) it takes full batches of {@code max}, where batching pays and queueing, not
 * batching, sets the latency. Starts at 1, i.e. latency first until the first window says
 * otherwise. Plain Java, driven by the operator with processing time.
 */
final class AdaptiveBatchSize {

  /** Length of one measurement window: long enough for a rate, short enough to follow a burst. */
  static final long WINDOW_MS = 200;

  /** Share of a window spent scoring from which the subtask counts as saturated. */
  static final double SATURATED = 0.75;

  private final int max;
  private final long maxWaitMs;
  private int size = 1;
  private long windowStart = Long.MIN_VALUE;
  private int arrivals;
  private long busyNanos;

  AdaptiveBatchSize(int max, long maxWaitMs) {
    if (max < 1 || maxWaitMs < 1) {
      throw new IllegalArgumentException("max batch size and wait must be positive");
    }
    this.max = max;
    this.maxWaitMs = maxWaitMs;
  }

  /** An event arrived at processing time {@code nowMs}; closes the window when it is over. */
  void arrived(long nowMs) {
    if (windowStart == Long.MIN_VALUE) {
      windowStart = nowMs;
    }
    arrivals++;
    long elapsed = nowMs - windowStart;
    if (elapsed >= WINDOW_MS) {
      size = sizeFor(arrivals / (double) elapsed, busyNanos / (elapsed * 1e6));
      windowStart = nowMs;
      arrivals = 0;
      busyNanos = 0;
    }
  }

  /** The subtask spent {@code nanos} scoring (embedding, heads, emission) a batch. */
  void scored(long nanos) {
    busyNanos += Math.max(0, nanos);
  }

  /** Events a batch should hold now: it is scored as soon as it holds this many. */
  int size() {
    return size;
  }

  /** The size for an arrival rate (events per ms) and a busy share (0..1) of a window. */
  int sizeFor(double perMs, double busy) {
    if (busy >= SATURATED) {
      return max;
    }
    long perWait = (long) Math.floor(perMs * maxWaitMs);
    return (int) Math.max(1, Math.min(max, perWait));
  }
}
