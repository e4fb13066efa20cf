package dev.sieve.cli.label;

import dev.sieve.cli.BrokerProbe;
import dev.sieve.cli.BrokerWatch;
import dev.sieve.core.registry.RegistryConfig;
import dev.sieve.core.registry.RegistryUnavailableException;
import dev.sieve.core.registry.RestSchemaRegistryClient;
import dev.sieve.core.serde.AvroDecodeException;
import dev.sieve.core.serde.ConfluentAvroCodec;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.LabelRequest;
import dev.sieve.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeling queue as one labeler sees it: a Kafka share group on {@code sieve.labeling.requests}
 * (every request goes to one labeler of the group at a time) and a producer of {@code Label}s on
 * {@code sieve.labels}.
 *
 * <p>Acknowledgement is explicit and per request: {@link #answer} writes the label, waits for the
 * broker to acknowledge it, and only then ACCEPTs the request, so an answered request is never
 * lost; {@link #release} (skip) makes it available to the group again at once; {@link #reject}
 * (unsure) takes it out of the queue for good; {@link #renew} keeps the acquisition lock while a
 * person is still thinking. A request acquired and never acknowledged comes back to the group when
 * its acquisition lock expires (the group's {@code share.record.lock.duration.ms}, 30 s by
 * default), or at once when this labeler {@link #close() closes}, which releases what it still
 * holds. Each delivery counts towards the broker's {@code group.share.delivery.count.limit} (5 by
 * default), after which the broker archives the request.
 *
 * <p>Bad input never stops a labeler: a request that does not decode, or that offers no classes to
 * choose from, is REJECTed and reported with the reason. A registry outage is not the request's
 * fault, so the batch is released for later and the exception propagates. Not thread-safe, like the
 * Kafka consumer under it, except {@link #wakeup()}.
 *
 * <p>A broker that goes away does not stop a labeler either, nor make it spin. While no broker is
 * reachable, the Kafka 4.2 share consumer's background thread busy-loops re-bootstrapping its
 * metadata (and {@code poll} spins with it), polled or not: the labeler measured 175 % CPU. So when
 * {@link #poll} finds the consumer without a connection for half a second, the queue says once that
 * it waits for the broker, closes the consumer, asks the broker with back-off ({@link BrokerProbe})
 * until it answers, says it is back, and opens a new consumer in the same group. Requests acquired
 * and not acknowledged before the outage come back to the group (a restarted broker has no locks; a
 * reachable one expires them), and labels written are on the broker already.
 */
public final class LabelingQueue implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelingQueue.class);

  /** The longest poll while the consumer has lost its connections. */
  private static final Duration SUSPICIOUS_POLL = Duration.ofMillis(100);

  /** How long a client call may block before the labeler gives up. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Consumer settings that {@code KafkaShareConsumer} refuses, though a {@code --config} file
   * shared with Sieve's other commands may well hold them (ShareConsumerConfig in kafka-clients
   * 4.2).
   */
  private static final Set<String> NOT_FOR_SHARE_CONSUMERS =
      Set.of(
          "auto.offset.reset",
          "enable.auto.commit",
          "group.instance.id",
          "isolation.level",
          "partition.assignment.strategy",
          "interceptor.classes",
          "session.timeout.ms",
          "heartbeat.interval.ms",
          "group.protocol",
          "group.remote.assignor");

  private final QueueSettings settings;
  private final String requestsTopic;
  private final String labelsTopic;
  private final Map<String, Object> kafka;
  private final Map<String, Object> consumerProperties;
  private volatile KafkaShareConsumer<byte[], byte[]> consumer; // replaced after an outage
  private boolean consumerClosed;
  private final KafkaProducer<byte[], byte[]> producer;
  private final RestSchemaRegistryClient registry;
  private final ConfluentAvroCodec<LabelRequest> requestCodec;
  private final ConfluentAvroCodec<Label> labelCodec;
  private final QueueBacklog backlog;
  private final Consumer<String> problems;
  private final BrokerWatch broker;
  private boolean committing;
  private long invalid;
  private volatile boolean wakeupRequested;
  private BooleanSupplier quitWhileWaiting = () -> false;
  private volatile boolean awaitingBroker;
  private volatile long outages;

  private LabelingQueue(
      QueueSettings settings,
      Map<String, Object> kafka,
      KafkaShareConsumer<byte[], byte[]> consumer,
      KafkaProducer<byte[], byte[]> producer,
      RestSchemaRegistryClient registry,
      QueueBacklog backlog,
      Consumer<String> problems) {
    this.settings = settings;
    this.requestsTopic = Topics.LABELING_REQUESTS.name(settings.topicPrefix());
    this.labelsTopic = Topics.LABELS.name(settings.topicPrefix());
    this.kafka = kafka;
    this.consumerProperties = consumerProperties(kafka, settings);
    this.consumer = consumer;
    this.producer = producer;
    this.registry = registry;
    this.requestCodec = new ConfluentAvroCodec<>(registry, LabelRequest.class);
    this.labelCodec = new ConfluentAvroCodec<>(registry, Label.class);
    this.backlog = backlog;
    this.problems = problems;
    this.broker =
        new BrokerWatch(
            String.valueOf(kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)), problems);
    warmUp();
    subscribe();
  }

  private void subscribe() {
    consumer.setAcknowledgementCommitCallback(this::acknowledgementsCommitted);
    consumer.subscribe(List.of(requestsTopic));
  }

  /**
   * Does the slow first-time work of writing a label (the producer's metadata, registering the
   * {@code Label} schema) before any request is acquired, so that it does not eat into the first
   * requests' locks; a missing labels topic or registry fails here, before anything is taken.
   */
  private void warmUp() {
    producer.partitionsFor(labelsTopic);
    labelCodec.encode(
        labelsTopic,
        Label.newBuilder()
            .setContentId("")
            .setClassifier("")
            .setLabel("")
            .setLabeler(settings.labeler())
            .setLabeledAtMs(0L)
            .build());
  }

  /**
   * Joins the share group: sets the group's configuration first (start at the earliest request, and
   * the lock duration if the settings give one), then subscribes. Nothing is fetched until the
   * first {@link #poll}.
   *
   * @param problems receives one line per request rejected as unreadable, or acknowledgement that
   *     failed (also logged)
   */
  public static LabelingQueue open(QueueSettings settings, Consumer<String> problems) {
    Map<String, Object> kafka = kafkaProperties(settings.properties());
    Admin admin = Admin.create(kafka);
    RestSchemaRegistryClient registry = null;
    KafkaProducer<byte[], byte[]> producer = null;
    KafkaShareConsumer<byte[], byte[]> consumer = null;
    try {
      configureGroup(admin, settings.groupId(), settings.lockDuration());
      registry = new RestSchemaRegistryClient(RegistryConfig.fromProperties(settings.properties()));
      producer =
          new KafkaProducer<>(
              producerProperties(kafka), new ByteArraySerializer(), new ByteArraySerializer());
      consumer =
          new KafkaShareConsumer<>(
              consumerProperties(kafka, settings),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
      QueueBacklog backlog =
          new QueueBacklog(
              admin, settings.groupId(), Topics.LABELING_REQUESTS.name(settings.topicPrefix()));
      return new LabelingQueue(settings, kafka, consumer, producer, registry, backlog, problems);
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close(Duration.ZERO);
      }
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
      if (registry != null) {
        registry.close();
      }
      admin.close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * Sets the share group's {@code share.auto.offset.reset} to {@code earliest}, so a new group sees
   * the requests written before its first labeler joined (a new share group would otherwise start
   * at the latest offset), its isolation level to {@code read_committed} (active-learning-job
   * writes requests in transactions; a request from an aborted transaction must not be answered),
   * and, if given, its acquisition lock duration. Group configs can be set before the group exists.
   */
  public static void configureGroup(Admin admin, String groupId, Optional<Duration> lockDuration) {
    List<AlterConfigOp> ops = new ArrayList<>();
    ops.add(set("share.auto.offset.reset", "earliest"));
    ops.add(set("share.isolation.level", "read_committed"));
    lockDuration.ifPresent(
        d -> ops.add(set("share.record.lock.duration.ms", String.valueOf(d.toMillis()))));
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    try {
      admin
          .incrementalAlterConfigs(Map.of(group, ops))
          .all()
          .get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(
          "cannot configure share group '"
              + groupId
              + "' ("
              + ops.stream()
                  .map(op -> op.configEntry().name() + "=" + op.configEntry().value())
                  .toList()
              + "): "
              + cause.getMessage()
              + (lockDuration.isPresent()
                  ? " (the broker bounds the lock duration by"
                      + " group.share.min.record.lock.duration.ms and"
                      + " group.share.max.record.lock.duration.ms, 15 s and 60 s by default)"
                  : ""),
          cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not answer within "
              + CLIENT_TIMEOUT.toSeconds()
              + " s while configuring share"
              + " group '"
              + groupId
              + "' (is it reachable at the bootstrap servers given?)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while configuring share group " + groupId, e);
    }
  }

  private static AlterConfigOp set(String name, String value) {
    return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
  }

  /**
   * Acquires the next requests (waiting up to {@code timeout} when none are there). Requests that
   * cannot be read or answered are rejected here, reported, and not returned. In explicit
   * acknowledgement mode every request returned must be acknowledged before the next poll.
   *
   * @throws RegistryUnavailableException when the registry is down; the batch was released
   */
  public List<QueuedRequest> poll(Duration timeout) {
    List<QueuedRequest> requests = new ArrayList<>();
    ConsumerRecords<byte[], byte[]> polled;
    try {
      // While the broker seems gone, short polls: each one spins, and the outage is seen sooner.
      polled = consumer.poll(broker.lost() ? min(timeout, SUSPICIOUS_POLL) : timeout);
    } catch (WakeupException e) {
      wakeupRequested = false;
      throw e;
    }
    if (polled.isEmpty() && brokerAway()) {
      rideOutOutage();
      return requests;
    }
    Iterator<ConsumerRecord<byte[], byte[]>> records = polled.iterator();
    while (records.hasNext()) {
      ConsumerRecord<byte[], byte[]> record = records.next();
      try {
        requests.add(QueuedRequest.of(record, requestCodec.decode(record.value())));
      } catch (AvroDecodeException | InvalidRequestException e) {
        consumer.acknowledge(record, AcknowledgeType.REJECT);
        invalid++;
        report(
            "rejected the unreadable label request at "
                + QueuedRequest.position(record)
                + ": "
                + e.getMessage());
      } catch (RegistryUnavailableException e) {
        // Not the request's fault: give this batch back to the group untouched.
        consumer.acknowledge(record, AcknowledgeType.RELEASE);
        records.forEachRemaining(r -> consumer.acknowledge(r, AcknowledgeType.RELEASE));
        requests.forEach(this::release);
        commit();
        throw e;
      }
    }
    return requests;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Whether the broker counts as away: the consumer has had no connection for half a second after
   * the broker answered it (a consumer that has had no answer yet is starting, not cut off).
   */
  private boolean brokerAway() {
    return broker.observe(consumer.metrics());
  }

  /**
   * Closes the spinning consumer, waits with back-off until the broker answers, and opens a new
   * consumer in the same share group. {@link #wakeup()} ends the wait with a {@link
   * WakeupException}, as it would a poll.
   */
  private void rideOutOutage() {
    awaitingBroker = true;
    try {
      closeConsumer(Duration.ZERO);
      BrokerProbe.awaitReachable(kafka, () -> wakeupRequested || quitWhileWaiting.getAsBoolean());
      broker.observe(true);
      outages++;
      consumer =
          new KafkaShareConsumer<>(
              consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumerClosed = false;
      if (wakeupRequested) {
        consumer.wakeup(); // woken while there was no consumer: the next poll ends
      }
      subscribe();
    } catch (WakeupException e) {
      wakeupRequested = false;
      throw e;
    } finally {
      awaitingBroker = false;
    }
  }

  /**
   * Also ends a wait for the broker (with a {@link WakeupException}) when {@code quit} turns true:
   * a person who presses q meanwhile, checked on the waiting thread every tenth of a second.
   */
  public void quitWhileWaitingWhen(BooleanSupplier quit) {
    this.quitWhileWaiting = quit;
  }

  /** True while {@link #poll} waits for the broker to come back. */
  public boolean awaitingBroker() {
    return awaitingBroker;
  }

  /** How many broker outages this queue has ridden out. */
  public long outages() {
    return outages;
  }

  /**
   * Answers a request: writes its {@code Label}, waits until the broker has it, then ACCEPTs the
   * request and commits the acknowledgement. If the label cannot be written the request is released
   * (someone may answer it again) and the failure thrown.
   *
   * @return where the label was written, and whether the ACCEPT reached the broker in time
   */
  public Answered answer(QueuedRequest request, String label) {
    RecordMetadata written;
    try {
      written = sendLabel(request, label).get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      release(request);
      commit();
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "could not write the label for '"
              + request.contentId()
              + "' to "
              + labelsTopic
              + " ("
              + cause
              + "); the request was released for another try",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release(request);
      throw new IllegalStateException("interrupted while writing a label", e);
    }
    accept(request);
    Optional<String> failure = commit();
    return new Answered(written, failure);
  }

  /**
   * Sends the {@code Label} for a request, keyed by content id, without acknowledging the request:
   * a batch labeler sends many, waits for them all, then {@link #accept}s each.
   *
   * @throws IllegalArgumentException when {@code label} is not one of the request's classes
   */
  public Future<RecordMetadata> sendLabel(QueuedRequest request, String label) {
    if (!request.classes().contains(label)) {
      throw new IllegalArgumentException(
          "'" + label + "' is not a class of " + request.classifier() + ": " + request.classes());
    }
    Label value =
        Label.newBuilder()
            .setContentId(request.contentId())
            .setClassifier(request.classifier())
            .setLabel(label)
            .setLabeler(settings.labeler())
            .setLabeledAtMs(System.currentTimeMillis())
            .build();
    return producer.send(
        new ProducerRecord<>(
            labelsTopic,
            request.contentId().getBytes(StandardCharsets.UTF_8),
            labelCodec.encode(labelsTopic, value)));
  }

  /** Marks the request done (its label was written); sent with the next {@link #commit}/poll. */
  public void accept(QueuedRequest request) {
    consumer.acknowledge(request.record(), AcknowledgeType.ACCEPT);
  }

  /** Skip: gives the request back to the group at once; anyone (this labeler too) may get it. */
  public void release(QueuedRequest request) {
    consumer.acknowledge(request.record(), AcknowledgeType.RELEASE);
  }

  /** Unsure: takes the request out of the queue for good; it is not delivered again. */
  public void reject(QueuedRequest request) {
    consumer.acknowledge(request.record(), AcknowledgeType.REJECT);
  }

  /**
   * Keeps holding the request: renews its acquisition lock (Kafka 4.2, KIP-1222). The renewal is
   * sent by the next poll, which then returns the same request again.
   */
  public void renew(QueuedRequest request) {
    consumer.acknowledge(request.record(), AcknowledgeType.RENEW);
  }

  /**
   * Sends every pending acknowledgement and waits for the broker.
   *
   * @return a description of what failed (e.g. the lock had expired, so the broker no longer took
   *     this labeler's answer for that request), or empty when all went through
   */
  public Optional<String> commit() {
    Map<TopicIdPartition, Optional<KafkaException>> results;
    committing = true;
    try {
      results = consumer.commitSync(CLIENT_TIMEOUT);
    } finally {
      committing = false;
    }
    List<String> failures = new ArrayList<>();
    results.forEach(
        (partition, error) ->
            error.ifPresent(e -> failures.add(partition.topicPartition() + ": " + e.getMessage())));
    if (failures.isEmpty()) {
      return Optional.empty();
    }
    String failure = "acknowledgement failed on " + String.join("; ", failures);
    report(failure);
    return Optional.of(failure);
  }

  /** Failures of acknowledgements sent by a poll (renewals, rejections), reported as they come. */
  private void acknowledgementsCommitted(
      Map<TopicIdPartition, Set<Long>> offsets, Exception exception) {
    if (exception != null && !committing) {
      report(
          "acknowledgement of "
              + offsets
              + " failed: "
              + exception.getMessage()
              + " (a request whose lock expired goes back to the group)");
    }
  }

  /** The lock duration the broker last reported for this labeler's requests, if known. */
  public Optional<Integer> lockTimeoutMs() {
    return consumer.acquisitionLockTimeoutMs();
  }

  /** How many requests are still waiting in this share group (see {@link QueueBacklog}). */
  Optional<QueueBacklog.Backlog> backlog() {
    return backlog.measure();
  }

  /** Requests rejected because they could not be read or answered (see {@link #poll}). */
  public long invalidRejected() {
    return invalid;
  }

  public QueueSettings settings() {
    return settings;
  }

  public String requestsTopic() {
    return requestsTopic;
  }

  public String labelsTopic() {
    return labelsTopic;
  }

  /**
   * Makes a blocked {@link #poll} return by throwing {@code WakeupException}, also while it waits
   * for the broker; any thread.
   */
  public void wakeup() {
    wakeupRequested = true;
    try {
      consumer.wakeup();
    } catch (RuntimeException closedForAnOutage) {
      // the flag ends the wait for the broker, or the next poll
    }
  }

  /**
   * Leaves the group. The share consumer commits pending acknowledgements and releases every
   * request still held, so other labelers get them at once instead of after the lock expires.
   */
  @Override
  public void close() {
    closeConsumer(Duration.ofSeconds(10));
    producer.close(Duration.ofSeconds(5));
    backlog.close();
    registry.close();
  }

  private void closeConsumer(Duration timeout) {
    if (consumerClosed) {
      return;
    }
    consumerClosed = true;
    try {
      consumer.close(timeout);
    } catch (RuntimeException e) {
      LOG.warn("share consumer of {} did not close cleanly", settings.groupId(), e);
    }
  }

  private void report(String line) {
    LOG.warn("{}", line);
    problems.accept(line);
  }

  /** Kafka client properties: everything but Sieve's own and the registry's keys. */
  static Map<String, Object> kafkaProperties(Map<String, String> all) {
    Map<String, Object> kafka = new HashMap<>();
    all.forEach(
        (k, v) -> {
          if (!k.startsWith("sieve.") && !k.startsWith("schema.registry.")) {
            kafka.put(k, v);
          }
        });
    kafka.putIfAbsent(
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
    return kafka;
  }

  private static Map<String, Object> consumerProperties(
      Map<String, Object> kafka, QueueSettings settings) {
    Map<String, Object> props = new HashMap<>(kafka);
    NOT_FOR_SHARE_CONSUMERS.forEach(props::remove);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
    props.put(
        ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
        settings.recordLimit() ? "record_limit" : "batch_optimized");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "sieve-labeler-" + settings.labeler());
    return props;
  }

  private static Map<String, Object> producerProperties(Map<String, Object> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    // A label is a person's work: every replica has it before the request is acknowledged, and a
    // retried send never writes it twice.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
    return props;
  }

  /**
   * A written label.
   *
   * @param label where the {@code Label} record landed
   * @param acknowledgementFailure why the ACCEPT did not reach the broker (typically: the lock had
   *     expired and the request went back to the group, so it may be answered twice), if it did not
   */
  public record Answered(RecordMetadata label, Optional<String> acknowledgementFailure) {}
}
