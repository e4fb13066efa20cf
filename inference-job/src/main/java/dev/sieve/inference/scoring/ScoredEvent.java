package dev.sieve.inference.scoring;

import dev.sieve.schemas.Prediction;
import dev.sieve.schemas.ScoredContent;
import java.util.List;

/**
 * The outputs for one content event of a batch: one {@link Prediction} per served classifier and
 * one {@link ScoredContent} with the embedding and every classifier's scores.
 */
public record ScoredEvent(
    PendingEvent source, List<Prediction> predictions, ScoredContent scored) {}
