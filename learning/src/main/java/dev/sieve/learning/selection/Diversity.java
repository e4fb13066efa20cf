package dev.sieve.learning.selection;

/**
 * How {@link LabelSelector} spreads its uncertainty requests over the embedding space. A stream has
 * no pool to cluster, so the selector clusters the stream itself as it goes ({@link
 * StreamClusters}: {@code k} centroids learnt online from every event's embedding, with the traffic
 * and the requests each cluster had) and weighs a candidate's uncertainty by its cluster.
 */
public enum Diversity {
  /** Uncertainty alone (with the rare-class boost): the margin sampling Sieve started with. */
  NONE,
  /**
   * Density-weighted uncertainty: x (cluster's share of traffic / average share)^weight, so texts
   * like many others count more than outliers.
   */
  DENSITY,
  /**
   * Cluster-balanced uncertainty: x (cluster's share of traffic / its share of requests)^weight, so
   * requests follow the traffic over the clusters (a stratified sample) and, inside a cluster, go
   * to the most uncertain texts: the streaming form of "the most uncertain per cluster".
   */
  BALANCE
}
