package dev.sieve.cli.label;

import dev.sieve.schemas.LabelRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One label request this labeler holds: the decoded {@link LabelRequest}, the classes to choose
 * from, and the Kafka record it came in (needed to acknowledge it, and to tell a redelivery of the
 * same record from a new one).
 */
public record QueuedRequest(
    ConsumerRecord<byte[], byte[]> record, LabelRequest request, List<String> classes) {

  /**
   * Checks that a person or an oracle can answer the request, and lists its classes: the request's
   * {@code labels} in order, or, for requests written before that field existed, the classes of its
   * scores in alphabetical order.
   *
   * @throws InvalidRequestException with the reason when it cannot be answered
   */
  static QueuedRequest of(ConsumerRecord<byte[], byte[]> record, LabelRequest request) {
    if (request.getContentId() == null || request.getContentId().isBlank()) {
      throw new InvalidRequestException("the request has no content id");
    }
    if (request.getClassifier() == null || request.getClassifier().isBlank()) {
      throw new InvalidRequestException(
          "the request for content '" + request.getContentId() + "' names no classifier");
    }
    Set<String> classes = new LinkedHashSet<>(request.getLabels());
    if (classes.isEmpty() && request.getScores() != null) {
      classes.addAll(new TreeSet<>(request.getScores().keySet()));
    }
    classes.removeIf(c -> c == null || c.isBlank());
    if (classes.size() < 2) {
      throw new InvalidRequestException(
          "the request for content '"
              + request.getContentId()
              + "' of classifier '"
              + request.getClassifier()
              + "' offers "
              + classes.size()
              + " class(es) to choose from; at least 2 are needed");
    }
    return new QueuedRequest(record, request, List.copyOf(classes));
  }

  public String contentId() {
    return request.getContentId();
  }

  public String classifier() {
    return request.getClassifier();
  }

  /** How many times the share group has handed out this record, this time included. */
  public int deliveryCount() {
    return record.deliveryCount().map(Short::intValue).orElse(1);
  }

  /** True when {@code other} is the same Kafka record (e.g. returned again after a renewal). */
  public boolean sameRecord(QueuedRequest other) {
    return other != null
        && record.topic().equals(other.record.topic())
        && record.partition() == other.record.partition()
        && record.offset() == other.record.offset();
  }

  /** {@code topic[partition]@offset}, for messages. */
  public String position() {
    return position(record);
  }

  static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "[" + record.partition() + "]@" + record.offset();
  }
}
