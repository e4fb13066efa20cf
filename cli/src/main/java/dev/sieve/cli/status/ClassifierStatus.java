package dev.sieve.cli.status;

import dev.sieve.schemas.DriftAlert;
import dev.sieve.schemas.DriftWindow;
import dev.sieve.schemas.LiveAccuracy;
import dev.sieve.schemas.ModelAlert;
import dev.sieve.schemas.ModelVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the topics say about each classifier: the versions on {@code sieve.models}, the versions the
 * inference job refused ({@code sieve.models.alerts}), the latest live accuracy of each version
 * ({@code sieve.accuracy}), the latest drift alert ({@code sieve.drift}) and the latest window of
 * each drift detector ({@code sieve.drift.windows}). Records are added in the order they are read.
 */
final class ClassifierStatus {

  private final SortedMap<String, SortedMap<Integer, ModelVersion>> versions = new TreeMap<>();
  private final Map<String, Map<Integer, ModelAlert>> refused = new HashMap<>();
  private final Map<String, Map<Integer, LiveAccuracy>> accuracy = new HashMap<>();
  private final Map<String, DriftAlert> drift = new HashMap<>();
  private final Map<String, SortedMap<String, DriftWindow>> windows = new HashMap<>();

  /**
   * What the screen shows for one classifier.
   *
   * @param serving the highest version not refused, which the inference job serves once it has read
   *     it (it only swaps to a higher version, and only when it validates)
   * @param refusedAbove the refusal of a version above the serving one, if any (the newest)
   * @param accuracy the latest live accuracy of the serving version
   * @param windows the latest closed window of each drift detector, by detector name
   */
  record Line(
      String classifier,
      Optional<ModelVersion> serving,
      Optional<ModelAlert> refusedAbove,
      Optional<LiveAccuracy> accuracy,
      Optional<DriftAlert> drift,
      List<DriftWindow> windows) {}

  void add(ModelVersion v) {
    versions.computeIfAbsent(v.getClassifier(), c -> new TreeMap<>()).put(v.getVersion(), v);
  }

  void add(ModelAlert a) {
    refused.computeIfAbsent(a.getClassifier(), c -> new HashMap<>()).put(a.getVersion(), a);
  }

  /** Live accuracy is cumulative per version: the latest measurement holds every label so far. */
  void add(LiveAccuracy a) {
    accuracy
        .computeIfAbsent(a.getClassifier(), c -> new HashMap<>())
        .merge(
            a.getModelVersion(),
            a,
            (old, now) -> now.getMeasuredAtMs() >= old.getMeasuredAtMs() ? now : old);
  }

  void add(DriftAlert a) {
    drift.merge(
        a.getClassifier(),
        a,
        (old, now) -> now.getDetectedAtMs() >= old.getDetectedAtMs() ? now : old);
  }

  /** Keeps the latest window of each detector: the one closed last (then the later event). */
  void add(DriftWindow w) {
    windows
        .computeIfAbsent(w.getClassifier(), c -> new TreeMap<>())
        .merge(
            w.getDetector(),
            w,
            (old, now) ->
                now.getClosedAtMs() > old.getClosedAtMs()
                        || (now.getClosedAtMs() == old.getClosedAtMs()
                            && now.getAtEvent() >= old.getAtEvent())
                    ? now
                    : old);
  }

  /**
   * One line per classifier that has a version, a live accuracy or a drift alert, sorted by name.
   */
  List<Line> lines() {
    SortedMap<String, Boolean> names = new TreeMap<>();
    versions.keySet().forEach(n -> names.put(n, true));
    accuracy.keySet().forEach(n -> names.put(n, true));
    drift.keySet().forEach(n -> names.put(n, true));
    windows.keySet().forEach(n -> names.put(n, true));
    return names.keySet().stream().map(this::line).toList();
  }

  private Line line(String classifier) {
    Map<Integer, ModelAlert> refusals = refused.getOrDefault(classifier, Map.of());
    ModelVersion serving = null;
    ModelAlert refusedAbove = null;
    SortedMap<Integer, ModelVersion> all = versions.getOrDefault(classifier, new TreeMap<>());
    for (ModelVersion v : all.values()) {
      ModelAlert refusal = refusals.get(v.getVersion());
      if (refusal == null) {
        serving = v;
        refusedAbove = null;
      } else {
        refusedAbove = refusal;
      }
    }
    LiveAccuracy live =
        serving == null
            ? null
            : accuracy.getOrDefault(classifier, Map.of()).get(serving.getVersion());
    return new Line(
        classifier,
        Optional.ofNullable(serving),
        Optional.ofNullable(refusedAbove),
        Optional.ofNullable(live),
        Optional.ofNullable(drift.get(classifier)),
        List.copyOf(windows.getOrDefault(classifier, new TreeMap<>()).values()));
  }
}
