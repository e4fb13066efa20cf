package dev.sieve.cli;

import dev.sieve.cli.client.ProgressLine;
import dev.sieve.cli.client.Terminals;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.model.EmbedderHandle;
import dev.sieve.model.EmbedderOptions;
import dev.sieve.model.EmbeddingModel;
import dev.sieve.model.SharedEmbedders;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sieve import}: brings labels a team already has into Sieve. Each line is embedded with the
 * classifier's own embedding network and written to {@code sieve.labelled} as the {@link
 * LabelledExample} active-learning-job would have written for a human label, so retrain-trigger
 * trains on it like on any other label. Bad lines are skipped with their number and reason.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import labelled examples from JSON lines into sieve.labelled, embedded with the"
          + " classifier's embedding network, for retrain-trigger to train on.",
      "Each line: {\"id\": ..., \"text\": ..., \"label\": ..., optional \"labeledAtMs\"}; the"
          + " label must be one of the classifier's. Bad lines are reported with their number and"
          + " skipped.",
      "Ends with: imported=<n> skipped=<n> seconds=<s>"
    })
final class ImportCommand extends ClientCommand {

  /** Texts embedded per call; the default embedder still runs them one by one (batch-stable). */
  static final int BATCH = 32;

  /** Skipped lines beyond this many are counted but not listed one by one. */
  static final int MAX_REPORTED = 100;

  /** The labeler of every imported example: {@code import:<file name>}, so it reads as imported. */
  static final String LABELER_PREFIX = "import:";

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--classifier",
      required = true,
      paramLabel = "<name>",
      description = "Classifier the labels belong to; it must exist (sieve classifier create).")
  String classifier;

  @Option(
      names = "--file",
      required = true,
      paramLabel = "<file.jsonl>",
      description = "JSON lines of {\"id\", \"text\", \"label\"}.")
  Path file;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress line on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Override
  int run(PrintWriter out, PrintWriter err) throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new CliException(
          "--file " + file + (Files.isDirectory(file) ? ": is a directory" : ": no such file"));
    }
    long startNanos = System.nanoTime();
    long total = countLines(file);
    try (SieveClients clients = new SieveClients(connection)) {
      ModelVersion latest =
          clients
              .readModels(err)
              .latest(classifier)
              .orElseThrow(
                  () ->
                      new CliException(
                          "classifier '"
                              + classifier
                              + "' has no version on "
                              + clients.modelsTopic()
                              + " (declare it first: sieve classifier create "
                              + classifier
                              + " --labels a,b)"));
      EmbeddingModel model = embeddingModelOf(latest);
      String topic = clients.topic(Topics.LABELLED);
      try (KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
        clients.partitions(consumer, topic); // a missing topic or a silent broker, said clearly
      }
      err.printf(
          "importing %,d lines of %s as labels of '%s' (version %d: %s; embedding %s) to %s%n",
          total,
          file.getFileName(),
          classifier,
          latest.getVersion(),
          String.join(", ", latest.getLabels()),
          model.id(),
          topic);
      boolean showProgress = progress != null ? progress : Terminals.stderrIsTerminal();
      Run run =
          new Run(
              topic,
              clients.codec(LabelledExample.class),
              latest.getLabels(),
              LABELER_PREFIX + file.getFileName(),
              new ProgressLine(err, showProgress),
              total,
              err);
      try (EmbedderHandle embedder = SharedEmbedders.acquire(model, EmbedderOptions.defaults());
          KafkaProducer<byte[], byte[]> producer = clients.newProducer();
          ByteLines in = new ByteLines(file)) {
        run.lines(in, embedder, producer);
      }
      run.progress.clear();
      if (run.failure.get() != null) {
        throw new CliException("stopped: " + run.failure.get());
      }
      if (run.acked.get() != run.sent) {
        throw new CliException(
            "stopped: " + (run.sent - run.acked.get()) + " records were not acknowledged");
      }
      out.printf(
          Locale.ROOT,
          "imported=%d skipped=%d seconds=%.1f%n",
          run.acked.get(),
          run.skipped,
          (System.nanoTime() - startNanos) / 1e9);
      return 0;
    }
  }

  /**
   * The network the classifier's head was built on: an imported example must be embedded by it, or
   * retrain-trigger leaves it out of training (and a different build of the network would put it in
   * a different space), so a digest that differs from this build's is refused.
   */
  static EmbeddingModel embeddingModelOf(ModelVersion version) {
    EmbeddingModel model;
    try {
      model = EmbeddingModel.byId(version.getEmbeddingModelId());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "classifier '" + version.getClassifier() + "' uses an " + e.getMessage());
    }
    if (!model.digest().equals(version.getEmbeddingModelDigest())) {
      throw new CliException(
          "classifier '"
              + version.getClassifier()
              + "' version "
              + version.getVersion()
              + " was built on "
              + model.id()
              + " with sha256 "
              + version.getEmbeddingModelDigest()
              + ", but this build has sha256 "
              + model.digest()
              + ": its embeddings would not match the classifier's");
    }
    return model;
  }

  /** The lines that are not blank (a line that is not UTF-8 counts: it will be reported). */
  private static long countLines(Path file) throws IOException {
    long count = 0;
    try (ByteLines in = new ByteLines(file)) {
      for (byte[] line = in.next(); line != null; line = in.next()) {
        String text = ByteLines.utf8(line);
        if (text == null || !text.isBlank()) {
          count++;
        }
      }
    }
    return count;
  }

  /** One import: counts, and the first failure the producer reported. */
  private final class Run {
    final String topic;
    final ConfluentAvroCodec<LabelledExample> codec;
    final List<String> labels;
    final String labeler;
    final ProgressLine progress;
    final long total;
    final PrintWriter err;
    final long importedAtMs = System.currentTimeMillis();
    final AtomicLong acked = new AtomicLong();
    final AtomicReference<String> failure = new AtomicReference<>();
    final List<Numbered> batch = new ArrayList<>();
    long lineNumber;
    long done;
    long sent;
    long skipped;

    Run(
        String topic,
        ConfluentAvroCodec<LabelledExample> codec,
        List<String> labels,
        String labeler,
        ProgressLine progress,
        long total,
        PrintWriter err) {
      this.topic = topic;
      this.codec = codec;
      this.labels = labels;
      this.labeler = labeler;
      this.progress = progress;
      this.total = total;
      this.err = err;
    }

    void lines(ByteLines in, EmbedderHandle embedder, KafkaProducer<byte[], byte[]> producer)
        throws IOException {
      for (byte[] bytes = in.next(); bytes != null; bytes = in.next()) {
        lineNumber++;
        String line = ByteLines.utf8(bytes);
        if (line == null) {
          skip("not valid UTF-8");
          continue;
        }
        if (line.isBlank()) {
          continue;
        }
        LabelledLine.Parsed parsed = LabelledLine.parse(line, labels);
        if (!parsed.ok()) {
          skip(parsed.problem());
          continue;
        }
        batch.add(new Numbered(lineNumber, parsed));
        if (batch.size() == BATCH) {
          send(embedder, producer);
        }
      }
      send(embedder, producer);
      producer.flush();
    }

    private void send(EmbedderHandle embedder, KafkaProducer<byte[], byte[]> producer) {
      if (batch.isEmpty()) {
        return;
      }
      float[][] embeddings = embedder.embed(batch.stream().map(n -> n.parsed.text()).toList());
      for (int i = 0; i < batch.size(); i++) {
        LabelledLine.Parsed p = batch.get(i).parsed;
        long number = batch.get(i).lineNumber;
        LabelledExample example = example(p, embeddings[i], embedder.modelId());
        // keyed by content id, as active-learning-job keys sieve.labelled
        producer.send(
            new ProducerRecord<>(
                topic, p.id().getBytes(StandardCharsets.UTF_8), codec.encode(topic, example)),
            (metadata, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              } else {
                failure.compareAndSet(
                    null, "line " + number + " was not written: " + ClientCommand.describe(e));
              }
            });
        sent++;
      }
      done += batch.size();
      batch.clear();
      if (failure.get() != null) {
        throw new CliException("stopped: " + failure.get());
      }
      progress.show(
          seconds ->
              String.format(
                  Locale.ROOT,
                  "read %,d/%,d lines  sent %,d  skipped %,d  %,.0f lines/s",
                  done + skipped,
                  total,
                  done,
                  skipped,
                  seconds > 0 ? (done + skipped) / seconds : 0.0));
    }

    private LabelledExample example(LabelledLine.Parsed p, float[] embedding, String modelId) {
      List<Float> vector = new ArrayList<>(embedding.length);
      for (float v : embedding) {
        vector.add(v);
      }
      return LabelledExample.newBuilder()
          .setContentId(p.id())
          .setClassifier(classifier)
          .setText(p.text())
          .setEmbeddingModel(modelId)
          .setEmbedding(vector)
          .setLabel(p.label())
          .setLabeler(labeler)
          .setLabeledAtMs(p.labeledAtMs() != null ? p.labeledAtMs() : importedAtMs)
          .setRandomShare(false)
          .build();
    }

    private void skip(String problem) {
      skipped++;
      if (skipped <= MAX_REPORTED) {
        progress.clear();
        err.println("line " + lineNumber + ": skipped: " + problem);
      } else if (skipped == MAX_REPORTED + 1) {
        progress.clear();
        err.println("(more skipped lines are counted in the summary, not listed)");
      }
    }
  }

  private record Numbered(long lineNumber, LabelledLine.Parsed parsed) {}
}
