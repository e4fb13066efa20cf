package dev.sieve.cli.label;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The loop of {@code sieve label}: shows one request at a time and acts on the key pressed: a class
 * number answers (the label is written, then the request ACCEPTed), {@code s} skips (RELEASE: back
 * in the queue at once, for anyone, this labeler included), {@code u} is unsure (REJECT: out of the
 * queue for good), {@code q} quits (the request on screen is released).
 *
 * <p>A person may think longer than the acquisition lock lasts (30 s by default). While a request
 * is on screen the labeler renews its lock every half lock duration (RENEW, Kafka 4.2), so nobody
 * else gets it meanwhile; the renewal goes out with the next poll, which hands the same record
 * back. A key typed while a renewal is on its way is kept and applied when the record is back.
 */
final class TerminalLabeler {

  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration RENEWAL_POLL = Duration.ofMillis(200);
  private static final Duration OTHERS_PAUSE = Duration.ofSeconds(2);
  private static final long DEFAULT_LOCK_MS = 30_000;

  private final LabelingQueue queue;
  private final KeyInput keys;
  private final PrintWriter out;
  private final Optional<String> classifier;
  private final LongSupplier nanoTime;
  private final LabelingProgress progress;
  private final Set<String> releasedOthers = new HashSet<>();
  private int shown;

  TerminalLabeler(
      LabelingQueue queue,
      KeyInput keys,
      PrintWriter out,
      Optional<String> classifier,
      LongSupplier nanoTime) {
    this.queue = queue;
    this.keys = keys;
    this.out = out;
    this.classifier = classifier;
    this.nanoTime = nanoTime;
    this.progress = new LabelingProgress(nanoTime.getAsLong());
    queue.quitWhileWaitingWhen(this::quitKeyPressed);
  }

  /** q (or Ctrl-C, Ctrl-D, the end of the input) pressed while the queue waits for the broker. */
  private boolean quitKeyPressed() {
    try {
      return keys.quitWhileIdle();
    } catch (IOException e) {
      return true;
    }
  }

  private enum Outcome {
    DONE,
    RENEW,
    QUIT
  }

  /** Runs until the person quits (or the input ends); returns the session's counts. */
  LabelingProgress run() throws IOException {
    QueuedRequest held = null; // on screen, its renewal on the way
    long renewedAt = 0;
    String typedMeanwhile = null;
    boolean waitingShown = false;
    boolean quit = false;
    while (!quit) {
      List<QueuedRequest> batch;
      try {
        batch = queue.poll(held == null ? IDLE_POLL : RENEWAL_POLL);
      } catch (WakeupException quitWhileBrokerAway) {
        println("quitting while the broker is away; requests held go back to the queue");
        break;
      }
      if (batch.isEmpty()) {
        if (held != null) {
          if (millisSince(renewedAt) > lockMs()) {
            println(
                "  (the lock on this request expired before it came back; it is in the queue"
                    + " again)");
            held = null;
            typedMeanwhile = null;
          } else if (typedMeanwhile == null) {
            typedMeanwhile = keys.next(Duration.ofMillis(1)).orElse(null);
          }
          continue;
        }
        if (!waitingShown) {
          if (progress.shown() == 0) {
            println(progressLine());
          }
          println("waiting for label requests ... (q to quit)");
          waitingShown = true;
        }
        quit = keys.quitWhileIdle();
        continue;
      }
      waitingShown = false;
      boolean onlyOthersSeenBefore = true;
      for (Iterator<QueuedRequest> it = batch.iterator(); it.hasNext(); ) {
        QueuedRequest request = it.next();
        if (quit) {
          queue.release(request);
          continue;
        }
        if (classifier.isPresent() && !classifier.get().equals(request.classifier())) {
          // Another classifier's request: back to the group for the labelers who answer it.
          queue.release(request);
          progress.otherClassifier();
          onlyOthersSeenBefore &= !releasedOthers.add(request.position());
          continue;
        }
        onlyOthersSeenBefore = false;
        boolean again = request.sameRecord(held);
        if (held != null && !again) {
          println("  (the lock on the previous request expired; it is in the queue again)");
          typedMeanwhile = null;
        }
        held = null;
        if (!again) {
          show(request);
        }
        Outcome outcome = interact(request, again, typedMeanwhile);
        typedMeanwhile = null;
        if (outcome == Outcome.RENEW) {
          queue.renew(request);
          held = request;
          renewedAt = nanoTime.getAsLong();
          it.forEachRemaining(queue::renew); // never more than one with max.poll.records=1
        } else if (outcome == Outcome.QUIT) {
          queue.release(request);
          quit = true;
        }
      }
      if (quit) {
        queue.commit();
      } else if (onlyOthersSeenBefore) {
        // Only requests of other classifiers came back, already released once: give the other
        // labelers a moment to take them (each delivery counts towards the broker's limit).
        quit = pauseUnlessQuit(OTHERS_PAUSE);
      }
    }
    long now = nanoTime.getAsLong();
    println(
        String.format(
            Locale.ROOT,
            "session over after %s: answered %d (%.1f/min), skipped %d, unsure %d",
            LabelingProgress.elapsed(Duration.ofNanos(now - progress.startNanos())),
            progress.answeredCount(),
            progress.ratePerMinute(now),
            progress.skippedCount(),
            progress.unsureCount()));
    return progress;
  }

  private void show(QueuedRequest request) {
    shown++;
    println("");
    RequestScreen.render(request, shown, keys.width(), keys.singleKeys()).forEach(this::println);
  }

  /** Waits for keys until the request is dealt with, or until its lock needs renewing. */
  private Outcome interact(QueuedRequest request, boolean resumed, String typedMeanwhile)
      throws IOException {
    long renewAt = nanoTime.getAsLong() + Duration.ofMillis(lockMs() / 2).toNanos();
    int classes = request.classes().size();
    String digits = "";
    String key = typedMeanwhile;
    if (!resumed) {
      prompt(digits);
    }
    while (true) {
      if (key == null) {
        long leftMs = (renewAt - nanoTime.getAsLong()) / 1_000_000;
        if (leftMs <= 0) {
          return Outcome.RENEW;
        }
        Optional<String> next = keys.next(Duration.ofMillis(leftMs));
        if (next.isEmpty()) {
          return Outcome.RENEW;
        }
        key = next.get();
      }
      KeyParser.Action action = KeyParser.parse(digits, key, classes, keys.singleKeys());
      String typed = key;
      key = null;
      if (action instanceof KeyParser.Incomplete incomplete) {
        if (!incomplete.digits().equals(digits)) {
          out.print(typed);
          out.flush();
        }
        digits = incomplete.digits();
        continue;
      }
      echo(typed);
      digits = "";
      if (action instanceof KeyParser.Choice choice) {
        answer(request, request.classes().get(choice.number() - 1));
        return Outcome.DONE;
      } else if (action instanceof KeyParser.Skip) {
        queue.release(request);
        queue.commit();
        progress.skipped();
        println("  skipped: back in the queue (for another labeler if one is free, else for you)");
        println(progressLine());
        return Outcome.DONE;
      } else if (action instanceof KeyParser.Unsure) {
        queue.reject(request);
        queue.commit();
        progress.unsure();
        println("  unsure: taken out of the queue, nobody is asked again");
        println(progressLine());
        return Outcome.DONE;
      } else if (action instanceof KeyParser.Quit) {
        println("  quitting: this request goes back to the queue");
        return Outcome.QUIT;
      } else {
        println("  press 1-" + classes + " for a class, s to skip, u if unsure, q to quit");
        prompt(digits);
      }
    }
  }

  private void answer(QueuedRequest request, String label) {
    try {
      LabelingQueue.Answered answered = queue.answer(request, label);
      progress.answered();
      println(
          "  labelled '"
              + request.contentId()
              + "' as "
              + label
              + " ("
              + answered.label().topic()
              + " partition "
              + answered.label().partition()
              + " offset "
              + answered.label().offset()
              + ")");
      answered
          .acknowledgementFailure()
          .ifPresent(
              f -> println("  note: the label is saved, but " + f + "; it may be asked again"));
    } catch (IllegalStateException e) {
      println("  " + e.getMessage());
    }
    println(progressLine());
  }

  private void prompt(String digits) {
    out.print("  your answer: " + digits);
    out.flush();
  }

  /** Shows what was typed, so a captured session and a piped run read like the screen. */
  private void echo(String key) {
    out.println(key.equals("\n") ? "" : keys.singleKeys() ? key : key.strip());
    out.flush();
  }

  /** The progress line, with the queue count measured now (a few admin requests). */
  private String progressLine() {
    return "  " + progress.line(nanoTime.getAsLong(), queue.backlog());
  }

  private boolean pauseUnlessQuit(Duration pause) throws IOException {
    long until = nanoTime.getAsLong() + pause.toNanos();
    while (nanoTime.getAsLong() < until) {
      if (keys.quitWhileIdle()) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
    return false;
  }

  private long lockMs() {
    return queue
        .lockTimeoutMs()
        .map(Integer::longValue)
        .filter(ms -> ms > 0)
        .orElse(DEFAULT_LOCK_MS);
  }

  private long millisSince(long nanos) {
    return (nanoTime.getAsLong() - nanos) / 1_000_000;
  }

  private void println(String line) {
    out.println(line);
    out.flush();
  }
}
