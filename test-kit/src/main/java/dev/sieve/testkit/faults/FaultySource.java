package dev.sieve.testkit.faults;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A job's own source (for example its {@code KafkaSource}, built exactly as in production) whose
 * readers trip the fault {@code name} ({@link Faults}) at every record they emit: an armed fault
 * fails the source task while it reads, after a record was fetched and before it reached the job.
 * Splits, offsets and enumerator are the wrapped source's.
 */
public final class FaultySource<T, S extends SourceSplit, E> implements Source<T, S, E> {

  private static final long serialVersionUID = 1L;

  private final Source<T, S, E> source;
  private final String name;

  private FaultySource(Source<T, S, E> source, String name) {
    this.source = source;
    this.name = name;
  }

  public static <T, S extends SourceSplit, E> FaultySource<T, S, E> wrap(
      Source<T, S, E> source, String name) {
    return new FaultySource<>(source, name);
  }

  @Override
  public Boundedness getBoundedness() {
    return source.getBoundedness();
  }

  @Override
  public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context)
      throws Exception {
    return source.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
      throws Exception {
    return source.restoreEnumerator(context, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<S> getSplitSerializer() {
    return source.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
    return source.getEnumeratorCheckpointSerializer();
  }

  @Override
  public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
    return new Reader<>(source.createReader(context), name);
  }

  /** The wrapped reader, emitting through outputs that trip the fault at each record. */
  private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
    private final SourceReader<T, S> reader;
    private final String name;

    Reader(SourceReader<T, S> reader, String name) {
      this.reader = reader;
      this.name = name;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
      return reader.pollNext(new Output<>(output, name));
    }

    @Override
    public void start() {
      reader.start();
    }

    @Override
    public List<S> snapshotState(long checkpointId) {
      return reader.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return reader.isAvailable();
    }

    @Override
    public void addSplits(List<S> splits) {
      reader.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
      reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
      reader.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(
        java.util.Collection<String> toPause, java.util.Collection<String> toResume) {
      reader.pauseOrResumeSplits(toPause, toResume);
    }

    @Override
    public void close() throws Exception {
      reader.close();
    }
  }

  /** A reader's output (and its per-split outputs) tripping the fault before each record. */
  private static final class Output<T> implements ReaderOutput<T> {
    private final ReaderOutput<T> output;
    private final String name;

    Output(ReaderOutput<T> output, String name) {
      this.output = output;
      this.name = name;
    }

    @Override
    public void collect(T record) {
      Faults.trip(name);
      output.collect(record);
    }

    @Override
    public void collect(T record, long timestamp) {
      Faults.trip(name);
      output.collect(record, timestamp);
    }

    @Override
    public void emitWatermark(Watermark watermark) {
      output.emitWatermark(watermark);
    }

    @Override
    public void markIdle() {
      output.markIdle();
    }

    @Override
    public void markActive() {
      output.markActive();
    }

    @Override
    public SourceOutput<T> createOutputForSplit(String splitId) {
      SourceOutput<T> split = output.createOutputForSplit(splitId);
      return new SourceOutput<>() {
        @Override
        public void collect(T record) {
          Faults.trip(name);
          split.collect(record);
        }

        @Override
        public void collect(T record, long timestamp) {
          Faults.trip(name);
          split.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
          split.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
          split.markIdle();
        }

        @Override
        public void markActive() {
          split.markActive();
        }
      };
    }

    @Override
    public void releaseOutputForSplit(String splitId) {
      output.releaseOutputForSplit(splitId);
    }
  }
}
