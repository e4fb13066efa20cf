package dev.sieve.cli.label;

import dev.sieve.core.registry.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated labeler on its own thread: takes requests from the labeling queue in batches and
 * answers them with an {@link Oracle}. Requests it cannot answer (unknown content, or a true label
 * that is not among the request's classes) are REJECTed and counted, like a person pressing
 * "unsure". Used by {@code sieve oracle}, the demo, tests and benchmarks.
 *
 * <p>Labels of a batch are sent together; each request is ACCEPTed only once its label is
 * acknowledged by the broker, and a request whose label could not be written is released for
 * another try. {@link #stop()} wakes the consumer, commits what was answered and leaves the group,
 * which releases anything still held.
 *
 * <p>Through a broker outage (see {@link LabelingQueue}) it waits without spinning and goes on when
 * the broker is back; the outage does not count as idle time. A request whose label was written but
 * whose ACCEPT did not reach the broker comes back after the outage: it is ACCEPTed then without a
 * second label.
 */
public final class OracleLabeler implements AutoCloseable {

  /** The labeler name an oracle writes into its labels unless told otherwise. */
  public static final String DEFAULT_NAME = "oracle";

  private static final Logger LOG = LoggerFactory.getLogger(OracleLabeler.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(2);

  private final QueueSettings settings;
  private final Oracle oracle;
  private final Consumer<String> problems;
  private final Thread thread;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private volatile long lastRequestNanos = System.nanoTime();
  private volatile boolean sawRequests;
  private volatile boolean running = true;
  private volatile LabelingQueue queue;
  private volatile Throwable failure;

  /** Positions of requests whose label is written but whose ACCEPT is not confirmed yet. */
  private final Set<String> unconfirmed = new HashSet<>();

  private long outagesSeen;

  private OracleLabeler(QueueSettings settings, Oracle oracle, Consumer<String> problems) {
    this.settings = settings;
    this.oracle = oracle;
    this.problems = problems;
    this.thread = new Thread(this::run, "sieve-oracle-" + settings.labeler());
    this.thread.setDaemon(true);
  }

  /**
   * Starts answering on a new thread.
   *
   * @param problems receives one line per rejected or unreadable request and failed label write
   */
  public static OracleLabeler start(
      QueueSettings settings, Oracle oracle, Consumer<String> problems) {
    OracleLabeler labeler = new OracleLabeler(settings, oracle, problems);
    labeler.thread.start();
    return labeler;
  }

  private void run() {
    try (LabelingQueue q = LabelingQueue.open(settings, problems)) {
      queue = q;
      while (running) {
        List<QueuedRequest> batch;
        try {
          batch = q.poll(POLL);
        } catch (RegistryUnavailableException e) {
          problems.accept(
              "schema registry unavailable, batch released, retrying: " + e.getMessage());
          pause(REGISTRY_BACKOFF);
          continue;
        }
        if (q.outages() > outagesSeen) {
          outagesSeen = q.outages();
          lastRequestNanos = System.nanoTime(); // time without a broker is not idle time
        }
        if (!batch.isEmpty() || q.invalidRejected() > invalid.get()) {
          lastRequestNanos = System.nanoTime();
          sawRequests = true;
        }
        invalid.set(q.invalidRejected());
        if (!batch.isEmpty()) {
          answer(q, batch);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("oracle labeler {} stopped", settings.labeler(), e);
      problems.accept("oracle stopped: " + e);
    } finally {
      running = false;
    }
  }

  private void answer(LabelingQueue q, List<QueuedRequest> batch) {
    record Pending(QueuedRequest request, Future<RecordMetadata> label, boolean wrong) {}
    List<Pending> pending = new ArrayList<>();
    List<QueuedRequest> confirmedAgain = new ArrayList<>();
    for (QueuedRequest request : batch) {
      if (unconfirmed.contains(request.position())) {
        q.accept(request); // labelled before an outage; only the ACCEPT was lost
        confirmedAgain.add(request);
        continue;
      }
      Oracle.Verdict verdict = oracle.decide(request);
      if (verdict.label().isPresent()) {
        pending.add(
            new Pending(
                request, q.sendLabel(request, verdict.label().get()), verdict.deliberatelyWrong()));
      } else {
        q.reject(request);
        rejected.incrementAndGet();
        problems.accept("rejected " + request.position() + ": " + verdict.reason());
      }
    }
    for (Pending p : pending) {
      try {
        p.label().get(LabelingQueue.CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        q.accept(p.request());
        unconfirmed.add(p.request().position());
        answered.incrementAndGet();
        if (p.wrong()) {
          wrong.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        q.release(p.request());
      } catch (Exception e) {
        q.release(p.request());
        problems.accept(
            "could not write the label for '" + p.request().contentId() + "', released: " + e);
      }
    }
    try {
      if (q.commit().isEmpty()) {
        unconfirmed.clear();
      }
    } catch (RuntimeException e) {
      // the broker went away mid-commit: the requests come back, and are accepted then
      problems.accept("could not acknowledge " + pending.size() + " answered requests yet: " + e);
    }
    if (!confirmedAgain.isEmpty()) {
      LOG.info("accepted {} requests labelled before an outage", confirmedAgain.size());
    }
  }

  /** Stops answering: commits what was answered, leaves the group, and waits up to 15 s. */
  public void stop() {
    running = false;
    LabelingQueue q = queue;
    if (q != null) {
      q.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Requests answered (and acknowledged), deliberately wrong ones included. */
  public long answered() {
    return answered.get();
  }

  /** Answers the error rate made wrong on purpose. */
  public long deliberatelyWrong() {
    return wrong.get();
  }

  /** Requests the oracle could not answer and rejected. */
  public long rejected() {
    return rejected.get();
  }

  /** Requests rejected because they could not be read (see {@link LabelingQueue#poll}). */
  public long unreadable() {
    return invalid.get();
  }

  /** How long since the last request arrived (or since the start, before the first one). */
  public Duration idleFor() {
    LabelingQueue q = queue;
    if (q != null && q.awaitingBroker()) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(System.nanoTime() - lastRequestNanos);
  }

  /** True once the first request (readable or not) has arrived. */
  public boolean sawRequests() {
    return sawRequests;
  }

  public boolean isRunning() {
    return running && thread.isAlive();
  }

  /** Why the labeler stopped on its own, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public QueueSettings settings() {
    return settings;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
