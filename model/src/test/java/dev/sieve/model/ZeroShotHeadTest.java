package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroShotHeadTest {

  private static final List<String> LABELS = List.of("billing", "shipping", "bug", "praise");
  private static final List<String> DESCRIPTIONS =
      List.of(
          "a question or complaint about a charge, an invoice, a payment or a refund",
          "a question about delivery, a parcel, tracking or a late order",
          "a report that the app or website crashes, shows an error or does not work",
          "a compliment: the customer loves the product and thanks the team");

  private EmbedderHandle embedder;

  @BeforeAll
  void load() throws Exception {
    embedder = SharedEmbedders.acquire();
  }

  @AfterAll
  void close() {
    embedder.close();
  }

  @Test
  void classifiesObviousCustomerMessages() throws Exception {
    List<String> messages =
        List.of(
            "I was charged twice on my credit card this month, please refund me.",
            "My order still hasn't been delivered, the tracking number shows nothing.",
            "The app crashes every time I open the settings page.",
            "Thank you so much, your support team is wonderful!");

    float[][] p;
    try (HeadRunner head =
        new HeadRunner(
            ZeroShotHead.build(embedder, LABELS, DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE))) {
      p = head.predict(embedder.embed(messages));
    }

    for (int i = 0; i < messages.size(); i++) {
      assertThat(LABELS.get(Vectors.argmax(p[i]))).as(messages.get(i)).isEqualTo(LABELS.get(i));
      assertThat(p[i][i]).as("confidence of %s", messages.get(i)).isGreaterThan(0.9f);
    }
  }

  @Test
  void ambiguousMessagesStayUncertainAtTheDefaultTemperature() throws Exception {
    List<String> ambiguous =
        List.of("Can I change the address for my order and get an invoice?", "hi, quick question");

    float[][] p;
    try (HeadRunner head =
        new HeadRunner(
            ZeroShotHead.build(embedder, LABELS, DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE))) {
      p = head.predict(embedder.embed(ambiguous));
    }

    // Neither one-hot nor flat: uncertainty sampling needs these to stand out.
    for (float[] row : p) {
      float top = row[Vectors.argmax(row)];
      assertThat(top).isBetween(0.3f, 0.9f);
    }
  }

  @Test
  void labelNamesStandInForMissingDescriptions() throws Exception {
    // "This text is about sports." embeds far better than the bare word "sports".
    try (HeadRunner head =
        new HeadRunner(
            ZeroShotHead.build(embedder, List.of("sports", "cooking"), List.of(), 0.05))) {
      float[][] p =
          head.predict(embedder.embed(List.of("The striker scored twice in the final match.")));

      assertThat(head.outputCount()).isEqualTo(2);
      assertThat(p[0][0]).isGreaterThan(p[0][1]);
    }
  }
}
