package dev.sieve.testkit.faults;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A job's own two-phase-committing sink (a {@code KafkaSink}, built exactly as in production) with
 * two fault points ({@link Faults}): {@code <name>.write} is tripped at every record its writers
 * write (a failure with records in an open transaction), {@code <name>.commit} at every commit of a
 * checkpoint's transactions (a failure after the checkpoint completed and before its output became
 * visible, which the restored job must commit, once). Everything else is the wrapped sink's.
 */
public final class FaultySink<T, S, C>
    implements Sink<T>,
        SupportsWriterState<T, S>,
        SupportsCommitter<C>,
        SupportsPostCommitTopology<C> {

  private static final long serialVersionUID = 1L;

  private final Sink<T> sink;
  private final String name;

  private FaultySink(Sink<T> sink, String name) {
    this.sink = sink;
    this.name = name;
  }

  /** {@code sink} with the faults {@code <name>.write} and {@code <name>.commit}. */
  public static <T, S, C, K extends Sink<T> & SupportsWriterState<T, S> & SupportsCommitter<C>>
      FaultySink<T, S, C> wrap(K sink, String name) {
    return new FaultySink<>(sink, name);
  }

  /** The name of the fault tripped at every record written. */
  public static String write(String name) {
    return name + ".write";
  }

  /** The name of the fault tripped at every commit. */
  public static String commit(String name) {
    return name + ".commit";
  }

  @SuppressWarnings("unchecked")
  private SupportsWriterState<T, S> stateful() {
    return (SupportsWriterState<T, S>) sink;
  }

  @SuppressWarnings("unchecked")
  private SupportsCommitter<C> committing() {
    return (SupportsCommitter<C>) sink;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(sink.createWriter(context), write(name));
  }

  @Override
  public StatefulSinkWriter<T, S> restoreWriter(WriterInitContext context, Collection<S> state)
      throws IOException {
    return new Writer<>(stateful().restoreWriter(context, state), write(name));
  }

  @Override
  public SimpleVersionedSerializer<S> getWriterStateSerializer() {
    return stateful().getWriterStateSerializer();
  }

  @Override
  public Committer<C> createCommitter(CommitterInitContext context) throws IOException {
    Committer<C> committer = committing().createCommitter(context);
    String fault = commit(name);
    return new Committer<>() {
      @Override
      public void commit(Collection<CommitRequest<C>> requests)
          throws IOException, InterruptedException {
        if (!requests.isEmpty()) {
          Faults.trip(fault);
        }
        committer.commit(requests);
      }

      @Override
      public void close() throws Exception {
        committer.close();
      }
    };
  }

  @Override
  public SimpleVersionedSerializer<C> getCommittableSerializer() {
    return committing().getCommittableSerializer();
  }

  /** Keeps what the wrapped sink adds after its committer (the Kafka sink co-locates them). */
  @Override
  @SuppressWarnings("unchecked")
  public void addPostCommitTopology(DataStream<CommittableMessage<C>> committables) {
    if (sink instanceof SupportsPostCommitTopology<?> post) {
      ((SupportsPostCommitTopology<C>) post).addPostCommitTopology(committables);
    }
  }

  /** The wrapped writer, which must be stateful and committing (as the Kafka sink's is). */
  private static final class Writer<T, S, C>
      implements StatefulSinkWriter<T, S>, CommittingSinkWriter<T, C> {
    private final SinkWriter<T> writer;
    private final String fault;

    Writer(SinkWriter<T> writer, String fault) {
      this.writer = writer;
      this.fault = fault;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      Faults.trip(fault);
      writer.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      writer.flush(endOfInput);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
      writer.writeWatermark(watermark);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<S> snapshotState(long checkpointId) throws IOException {
      return ((StatefulSinkWriter<T, S>) writer).snapshotState(checkpointId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Collection<C> prepareCommit() throws IOException, InterruptedException {
      return ((CommittingSinkWriter<T, C>) writer).prepareCommit();
    }

    @Override
    public void close() throws Exception {
      writer.close();
    }
  }
}
