package dev.sieve.activelearning.functions;

import dev.sieve.core.kafka.DeadLetters;
import dev.sieve.learning.labels.LabelRejectReason;
import dev.sieve.learning.labels.Verdict;
import dev.sieve.learning.labels.VoteOutcome;
import dev.sieve.learning.labels.VoteResolver;
import dev.sieve.schemas.DeadLetter;
import dev.sieve.schemas.Label;
import dev.sieve.schemas.ScoredContent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins each label with the content it is about, keyed by content id: scored content (input 1) is
 * kept in keyed state for the content TTL (RocksDB in production; see {@link StoredContent} for the
 * size per event), labels (input 2) are checked against it and resolved by the {@link
 * VoteResolver}, and a decided label leaves as a {@link JoinedLabel}. A label that overtakes its
 * content is held for the grace period (a processing-time timer) before it is refused as {@link
 * LabelRejectReason#UNKNOWN_CONTENT_ID}; held majority votes are refused as {@link
 * LabelRejectReason#VOTES_EXPIRED} when the content TTL has passed. Every refusal goes to {@link
 * #DEAD_LETTERS} with the label's original bytes.
 */
public class LabelJoin
    extends KeyedCoProcessFunction<String, ScoredContent, DecodedLabel, JoinedLabel> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("refused-labels", new AvroTypeInfo<>(DeadLetter.class));

  /** State names: part of savepoints, never rename. */
  public static final String CONTENT = "content";

  public static final String EARLY = "early-labels";
  public static final String VERDICTS = "verdicts";
  public static final String HELD = "held-votes";

  public static final String JOINED = "labelsJoined";

  private final String jobName;
  private final Duration contentTtl;
  private final Duration grace;
  private final VoteResolver resolver;

  private transient ValueState<StoredContent> content;
  private transient ListState<DecodedLabel> early;
  private transient MapState<String, Verdict> verdicts;
  private transient MapState<String, DecodedLabel> held;
  private transient RefusalCounters refused;
  private transient Counter joined;

  public LabelJoin(String jobName, Duration contentTtl, Duration grace, VoteResolver resolver) {
    this.jobName = Objects.requireNonNull(jobName, "jobName");
    this.contentTtl = Objects.requireNonNull(contentTtl, "contentTtl");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  @Override
  public void open(OpenContext openContext) {
    var contentDescriptor = new ValueStateDescriptor<>(CONTENT, Types.POJO(StoredContent.class));
    contentDescriptor.enableTimeToLive(StateTtl.fromLastWrite(contentTtl));
    content = getRuntimeContext().getState(contentDescriptor);
    early = getRuntimeContext().getListState(new ListStateDescriptor<>(EARLY, DecodedLabel.TYPE));
    var verdictDescriptor =
        new MapStateDescriptor<>(VERDICTS, Types.STRING, Types.POJO(Verdict.class));
    verdictDescriptor.enableTimeToLive(StateTtl.fromLastWrite(contentTtl));
    verdicts = getRuntimeContext().getMapState(verdictDescriptor);
    held =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>(HELD, Types.STRING, DecodedLabel.TYPE));
    refused = new RefusalCounters(getRuntimeContext().getMetricGroup());
    joined = getRuntimeContext().getMetricGroup().addGroup(RefusalCounters.GROUP).counter(JOINED);
  }

  @Override
  public void processElement1(ScoredContent scored, Context ctx, Collector<JoinedLabel> out)
      throws Exception {
    StoredContent stored = StoredContent.of(scored);
    content.update(stored);
    List<DecodedLabel> waiting = new ArrayList<>();
    early.get().forEach(waiting::add);
    early.clear();
    for (DecodedLabel label : waiting) {
      join(label, stored, ctx, out);
    }
  }

  @Override
  public void processElement2(DecodedLabel label, Context ctx, Collector<JoinedLabel> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    label.receivedAtMs = now;
    StoredContent stored = content.value();
    if (stored == null) {
      early.add(label); // it may have overtaken its content: wait for the grace period
      ctx.timerService().registerProcessingTimeTimer(now + grace.toMillis());
      return;
    }
    join(label, stored, ctx, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JoinedLabel> out)
      throws Exception {
    List<DecodedLabel> stillWaiting = new ArrayList<>();
    for (DecodedLabel label : early.get()) {
      if (label.receivedAtMs + grace.toMillis() <= timestamp) {
        refuse(
            label,
            LabelRejectReason.UNKNOWN_CONTENT_ID,
            "no content '"
                + label.label.getContentId()
                + "' was scored within the last "
                + contentTtl
                + " (waited "
                + grace
                + " for it)",
            ctx);
      } else {
        stillWaiting.add(label);
      }
    }
    early.update(stillWaiting);
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, DecodedLabel> vote : held.entries()) {
      if (vote.getValue().receivedAtMs + contentTtl.toMillis() <= timestamp) {
        expired.add(vote.getKey());
      }
    }
    for (String key : expired) {
      refuse(
          held.get(key),
          LabelRejectReason.VOTES_EXPIRED,
          "too few votes within " + contentTtl + " for a majority of " + resolver.majorityOf(),
          ctx);
      held.remove(key);
    }
  }

  private void join(
      DecodedLabel decoded, StoredContent stored, Context ctx, Collector<JoinedLabel> out)
      throws Exception {
    Label label = decoded.label;
    ServedGuess guess = stored.guessOf(label.getClassifier());
    if (guess == null) {
      refuse(
          decoded,
          LabelRejectReason.UNKNOWN_CLASSIFIER,
          "content '"
              + label.getContentId()
              + "' was scored by "
              + stored.classifiers()
              + ", not by '"
              + label.getClassifier()
              + "'",
          ctx);
      return;
    }
    if (!guess.hasClass(label.getLabel())) {
      refuse(
          decoded,
          LabelRejectReason.UNKNOWN_CLASS,
          "'"
              + label.getLabel()
              + "' is not a class of '"
              + guess.classifier
              + "' (version "
              + guess.modelVersion
              + " has "
              + String.join(", ", guess.classes)
              + ")",
          ctx);
      return;
    }
    String classifier = label.getClassifier();
    Map<String, String> votes = heldVotes(classifier);
    VoteOutcome outcome =
        resolver.offer(verdicts.get(classifier), votes, label.getLabeler(), label.getLabel());
    switch (outcome.kind()) {
      case REFUSED -> refuse(decoded, outcome.reason(), outcome.message(), ctx);
      case HELD -> {
        held.put(voteKey(classifier, label.getLabeler()), decoded);
        ctx.timerService()
            .registerProcessingTimeTimer(decoded.receivedAtMs + contentTtl.toMillis());
      }
      case DECIDED -> {
        verdicts.put(classifier, outcome.verdict());
        for (String loser : outcome.outvoted()) {
          refuse(
              held.get(voteKey(classifier, loser)),
              LabelRejectReason.OUTVOTED,
              "outvoted: '" + outcome.verdict().label + "' by " + outcome.verdict().labelers,
              ctx);
        }
        clearVotes(classifier, votes);
        joined.inc();
        out.collect(JoinedLabel.of(label, stored, guess, outcome.verdict()));
      }
      case NO_MAJORITY -> {
        verdicts.put(classifier, outcome.verdict());
        for (String voter : outcome.outvoted()) {
          DecodedLabel vote =
              voter.equals(label.getLabeler()) ? decoded : held.get(voteKey(classifier, voter));
          refuse(vote, LabelRejectReason.NO_MAJORITY, outcome.message(), ctx);
        }
        clearVotes(classifier, votes);
      }
    }
  }

  private Map<String, String> heldVotes(String classifier) throws Exception {
    Map<String, String> votes = new TreeMap<>();
    for (DecodedLabel vote : held.values()) {
      if (vote.label.getClassifier().equals(classifier)) {
        votes.put(vote.label.getLabeler(), vote.label.getLabel());
      }
    }
    return votes;
  }

  private void clearVotes(String classifier, Map<String, String> votes) throws Exception {
    for (String labeler : votes.keySet()) {
      held.remove(voteKey(classifier, labeler));
    }
  }

  private static String voteKey(String classifier, String labeler) {
    return classifier + '\u0000' + labeler;
  }

  private void refuse(DecodedLabel label, LabelRejectReason reason, String message, Context ctx) {
    refused.inc(reason);
    ctx.output(
        DEAD_LETTERS,
        DeadLetters.of(
            label.raw,
            reason.name(),
            message,
            jobName,
            ctx.timerService().currentProcessingTime()));
  }
}
