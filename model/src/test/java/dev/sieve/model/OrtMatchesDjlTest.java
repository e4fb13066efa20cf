package dev.sieve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedder that calls ONNX Runtime directly gives the embeddings (and so the labels) the DJL
 * path gave, on the same int8 network and tokenizer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrtMatchesDjlTest {

  private static final List<String> LABELS = List.of("billing", "shipping", "bug", "praise");
  private static final List<String> DESCRIPTIONS =
      List.of(
          "a question or complaint about a charge, an invoice, a payment or a refund",
          "a question about delivery, a parcel, tracking or a late order",
          "a report that the app or website crashes, shows an error or does not work",
          "a compliment: the customer loves the product and thanks the team");

  private OnnxSentenceEmbedder ort;
  private DjlSentenceEmbedder djl;

  @BeforeAll
  void load() throws Exception {
    ort = OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, EmbedderOptions.defaults());
    djl = DjlSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, EmbedderOptions.defaults());
  }

  @AfterAll
  void close() {
    ort.close();
    djl.close();
  }

  @Test
  void sameEmbeddingsAndLabelsAsTheDjlPath() throws Exception {
    List<String> texts = variedTexts();
    assertThat(texts).hasSizeGreaterThanOrEqualTo(300);
    assertThat(texts.stream().filter(t -> ort.tokenCount(t) == 128).count())
        .as("texts cut at the maximum length")
        .isGreaterThanOrEqualTo(40);

    float[][] fromOrt = new float[texts.size()][];
    float[][] fromDjl = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) { // one text per call, as the inference job does
      fromOrt[i] = ort.embed(List.of(texts.get(i)))[0];
      fromDjl[i] = djl.embed(List.of(texts.get(i)))[0];
    }
    float[][] batched = ort.embed(texts); // sub-batch 1 by default: the same per text
    try (HeadRunner head =
        new HeadRunner(
            ZeroShotHead.build(ort, LABELS, DESCRIPTIONS, ZeroShotHead.DEFAULT_TEMPERATURE))) {
      float[][] pOrt = head.predict(fromOrt);
      float[][] pDjl = head.predict(fromDjl);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(ort.tokenCount(texts.get(i)))
            .as("tokens of text %d", i)
            .isEqualTo(djl.tokenCount(texts.get(i)));
        assertThat(fromOrt[i]).hasSize(384);
        for (int k = 0; k < 384; k++) {
          assertThat(fromOrt[i][k])
              .as("text %d component %d", i, k)
              .isCloseTo(fromDjl[i][k], within(1e-5f));
          assertThat(batched[i][k]).as("text %d in a batch", i).isEqualTo(fromOrt[i][k]);
        }
        assertThat(Vectors.argmax(pOrt[i]))
            .as("label of text %d: %s", i, texts.get(i))
            .isEqualTo(Vectors.argmax(pDjl[i]));
      }
    }
  }

  @Test
  void subBatchesMatchTheDjlPathToo() throws Exception {
    EmbedderOptions eight = EmbedderOptions.defaults().withMaxSubBatch(8);
    List<String> texts = variedTexts().subList(0, 120);
    try (OnnxSentenceEmbedder ort8 =
            OnnxSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, eight);
        DjlSentenceEmbedder djl8 = DjlSentenceEmbedder.load(EmbeddingModel.MINILM_L6_V2_Q, eight)) {
      float[][] a = ort8.embed(texts);
      float[][] b = djl8.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(Vectors.dot(a[i], b[i])).as("cosine of text %d", i).isGreaterThan(0.99999);
      }
    }
  }

  @Test
  void emptyInputGivesNoRows() {
    assertThat(ort.embed(List.of())).isEmpty();
  }

  /** Short, long (past 128 tokens), unicode, punctuation-only and blank texts, deterministic. */
  static List<String> variedTexts() {
    Random random = new Random(16);
    String[] words = {
      "the",
      "order",
      "refund",
      "crash",
      "love",
      "app",
      "late",
      "parcel",
      "invoice",
      "great",
      "why",
      "does",
      "not",
      "work",
      "thanks",
      "delivery",
      "charged",
      "twice",
      "error",
      "screen",
      "café",
      "naïve",
      "Straße",
      "日本語",
      "テキスト",
      "中文",
      "привет",
      "مرحبا",
      "שלום",
      "😀",
      "🚀🔥",
      "ok",
      "lol",
      "!!!",
      "???",
      "...",
      "#hashtag",
      "@user",
      "http://example.com/x?y=1",
      "42",
      "3.14",
      "e-mail",
      "don't",
      "won't",
      "C++",
      "ÆØÅ",
      "ñandú",
      "κόσμε",
      "Ünïcödé"
    };
    List<String> texts = new ArrayList<>();
    texts.addAll(
        List.of(
            "",
            " ",
            "\n\t",
            ".",
            "!!!",
            "😀",
            "日本語",
            "a",
            "I was charged twice on my credit card this month, please refund me.",
            "My order still hasn't been delivered, the tracking number shows nothing.",
            "The app crashes every time I open the settings page.",
            "Thank you so much, your support team is wonderful!",
            "\u0000control\u0007chars\u001b",
            "zero\u200bwidth\u200djoiner",
            "e\u0301 combining accent"));
    for (int i = 0; texts.size() < 320; i++) {
      int n =
          switch (i % 4) {
            case 0 -> 1 + random.nextInt(5); // short
            case 1 -> 6 + random.nextInt(30); // a tweet
            case 2 -> 40 + random.nextInt(60); // long, sometimes past 128 tokens
            default -> 130 + random.nextInt(200); // past the maximum length
          };
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < n; w++) {
        if (w > 0) {
          text.append(random.nextInt(10) == 0 ? ", " : " ");
        }
        text.append(words[random.nextInt(words.length)]);
      }
      texts.add(text.toString());
    }
    return texts;
  }
}
