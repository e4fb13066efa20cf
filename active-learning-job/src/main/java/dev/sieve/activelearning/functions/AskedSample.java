package dev.sieve.activelearning.functions;

/**
 * A content the {@link Curator} asked humans about, remembered (with the content TTL) until its
 * label arrives, so the labelled example can say whether it was a random-share sample. A POJO.
 */
public class AskedSample {

  public String strategy;
  public boolean randomShare;
  public long requestedAtMs;

  public AskedSample() {}

  public AskedSample(String strategy, boolean randomShare, long requestedAtMs) {
    this.strategy = strategy;
    this.randomShare = randomShare;
    this.requestedAtMs = requestedAtMs;
  }
}
