package dev.sieve.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A producer that keeps records arriving in the background, record {@code 0, 1, 2, …} made by a
 * function of its number, a batch of {@value #BATCH} at a time with a pause between batches, every
 * acknowledgement checked: for tests in which a job must be stopped and started again while its
 * input is still flowing.
 */
public final class Feeder {

  static final int BATCH = 20;

  private final AtomicBoolean feeding = new AtomicBoolean(true);
  private final AtomicInteger sent = new AtomicInteger();
  private final CompletableFuture<Void> done;

  private Feeder(ItStack it, Duration pause, IntFunction<ProducerRecord<byte[], byte[]>> record) {
    done = CompletableFuture.runAsync(() -> feed(it, pause, record));
  }

  /**
   * Starts feeding the records {@code record.apply(0)}, {@code record.apply(1)}, … pausing {@code
   * pause} after each batch (so at most {@value #BATCH} records per pause): slow enough for what
   * the job can keep up with, so that a test does not wait on a backlog.
   */
  public static Feeder start(
      ItStack it, Duration pause, IntFunction<ProducerRecord<byte[], byte[]>> record) {
    return new Feeder(it, pause, record);
  }

  /** How many records have been acknowledged so far. */
  public int sent() {
    return sent.get();
  }

  /**
   * Stops after the batch in flight and returns how many records were sent (records {@code 0} to
   * that number less one); fails if a send failed.
   */
  public int stop() throws Exception {
    feeding.set(false);
    done.get(ItStack.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    return sent.get();
  }

  private void feed(
      ItStack it, Duration pause, IntFunction<ProducerRecord<byte[], byte[]>> record) {
    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      while (feeding.get()) {
        List<Future<RecordMetadata>> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          batch.add(producer.send(record.apply(sent.get() + i)));
        }
        for (Future<RecordMetadata> f : batch) {
          f.get();
        }
        sent.addAndGet(batch.size());
        Thread.sleep(pause.toMillis()); // pacing: records keep arriving, not all at once
      }
    } catch (Exception e) {
      throw new IllegalStateException("feeding records failed after " + sent.get(), e);
    }
  }
}
