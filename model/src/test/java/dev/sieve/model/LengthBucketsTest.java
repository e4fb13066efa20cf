package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

  @Test
  void groupsSimilarLengthsAndCoversEveryIndexOnce() {
    int[] lengths = {30, 5, 12, 5, 29, 11, 6};

    List<int[]> buckets = LengthBuckets.split(lengths, 3);

    assertThat(buckets).hasSize(3);
    assertThat(buckets.get(0)).containsExactly(1, 3, 6);
    assertThat(buckets.get(1)).containsExactly(5, 2, 4);
    assertThat(buckets.get(2)).containsExactly(0);
  }

  @Test
  void subBatchOfOneIsOneTextPerBucket() {
    assertThat(LengthBuckets.split(new int[] {3, 1, 2}, 1)).hasSize(3);
  }
}
