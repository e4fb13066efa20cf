package dev.sieve.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.client.ProgressLine;
import dev.sieve.cli.client.Terminals;
import dev.sieve.cli.client.TopicScan;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.LabelledExample;
import dev.sieve.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sieve export}: takes a classifier's labels away, as JSON lines, from {@code
 * sieve.labelled} (human labels joined by active-learning-job, and imported ones): to keep, to
 * train elsewhere, or to import into another deployment. One bounded scan, so it ends while the
 * jobs keep writing.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a classifier's labelled examples from sieve.labelled as JSON lines:"
          + " {\"id\", \"text\", \"label\", \"labeler\", \"labeledAtMs\"}, in topic order.",
      "Reads every partition once, up to the end offsets taken at the start (read_committed)."
    })
final class ExportCommand extends ClientCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Undecodable records beyond this many are counted but not listed one by one. */
  static final int MAX_REPORTED = 10;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--classifier",
      required = true,
      paramLabel = "<name>",
      description = "Classifier whose labelled examples to export.")
  String classifier;

  @Option(
      names = "--out",
      paramLabel = "<file.jsonl>",
      description =
          "Write to this file (replaced only once the export is complete; default: stdout).")
  Path outFile;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress line on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Override
  int run(PrintWriter out, PrintWriter err) throws Exception {
    long startNanos = System.nanoTime();
    Path partial = outFile == null ? null : partialFile(outFile);
    boolean showProgress = progress != null ? progress : Terminals.stderrIsTerminal();
    try (SieveClients clients = new SieveClients(connection);
        KafkaConsumer<byte[], byte[]> consumer = clients.newConsumer()) {
      String topic = clients.topic(Topics.LABELLED);
      List<TopicPartition> partitions = clients.partitions(consumer, topic);
      Scan scan =
          new Scan(clients.codec(LabelledExample.class), new ProgressLine(err, showProgress), err);
      Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
      if (outFile == null) {
        scan.read(consumer, partitions, start, clients, out);
        out.flush();
      } else {
        try (Writer writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
          scan.read(consumer, partitions, start, clients, writer);
        } catch (RuntimeException | IOException e) {
          Files.deleteIfExists(partial);
          throw e;
        }
        Files.move(partial, outFile, StandardCopyOption.REPLACE_EXISTING);
      }
      scan.progress.clear();
      // the summary goes to stderr when stdout holds the examples
      (outFile == null ? err : out)
          .printf(
              Locale.ROOT,
              "exported=%d records=%d undecodable=%d seconds=%.1f%s%n",
              scan.exported,
              scan.records,
              scan.undecodable,
              (System.nanoTime() - startNanos) / 1e9,
              outFile == null ? "" : " file=" + outFile);
      return 0;
    }
  }

  /** The file written until the export is complete, beside the target (so the move is a rename). */
  private static Path partialFile(Path target) {
    Path name = target.getFileName();
    if (name == null || Files.isDirectory(target)) {
      throw new CliException("--out " + target + ": not a file name");
    }
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new CliException("--out " + target + ": no such directory " + parent);
    }
    return target.resolveSibling(name + ".part");
  }

  /** One line of the export, with the fields of {@code sieve import} first. */
  static String line(LabelledExample example) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", example.getContentId());
    fields.put("text", example.getText());
    fields.put("label", example.getLabel());
    fields.put("labeler", example.getLabeler());
    fields.put("labeledAtMs", example.getLabeledAtMs());
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write plain strings and numbers as JSON", e);
    }
  }

  /** One scan of {@code sieve.labelled}: the counts, and what could not be decoded. */
  private final class Scan {
    final ConfluentAvroCodec<LabelledExample> codec;
    final ProgressLine progress;
    final PrintWriter err;
    long records;
    long exported;
    long undecodable;

    Scan(ConfluentAvroCodec<LabelledExample> codec, ProgressLine progress, PrintWriter err) {
      this.codec = codec;
      this.progress = progress;
      this.err = err;
    }

    void read(
        KafkaConsumer<byte[], byte[]> consumer,
        List<TopicPartition> partitions,
        Map<TopicPartition, Long> start,
        SieveClients clients,
        Writer target)
        throws IOException {
      try {
        TopicScan.read(consumer, partitions, start, clients.timeout(), r -> write(r, target));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    private void write(ConsumerRecord<byte[], byte[]> record, Writer target) {
      records++;
      LabelledExample example = decode(record);
      if (example != null && example.getClassifier().equals(classifier)) {
        try {
          target.write(line(example));
          target.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        exported++;
      }
      progress.show(
          seconds ->
              String.format(
                  Locale.ROOT,
                  "read %,d records  exported %,d  %,.0f records/s",
                  records,
                  exported,
                  seconds > 0 ? records / seconds : 0.0));
    }

    /** The example, or null (counted, and described for the first few) when it cannot be read. */
    private LabelledExample decode(ConsumerRecord<byte[], byte[]> record) {
      if (record.value() == null) {
        return null; // a tombstone: nothing to export
      }
      try {
        return codec.decode(record.value());
      } catch (AvroDecodeException e) {
        undecodable++;
        if (undecodable <= MAX_REPORTED) {
          progress.clear();
          err.printf(
              "warning: skipped %s partition %d offset %d: cannot decode a LabelledExample (%s)%n",
              record.topic(), record.partition(), record.offset(), e.getMessage());
        }
        return null;
      }
    }
  }
}
