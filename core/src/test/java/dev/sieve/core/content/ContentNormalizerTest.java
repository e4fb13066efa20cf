package dev.sieve.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.schemas.ContentEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentNormalizerTest {

  private static final int SOFT_CAP = 10;
  private static final int HARD_CAP = 20;
  private static final long KAFKA_TIME = 1_700_000_000_000L;

  private final ContentNormalizer normalizer = new ContentNormalizer(SOFT_CAP, HARD_CAP);

  private Checked<ContentEvent> normalize(String text) {
    return normalizer.normalize(ContentSamples.content("id-1", text), KAFKA_TIME);
  }

  @Test
  void composesToNfc() {
    String decomposed = "Cafe\u0301"; // e + combining acute accent

    assertThat(normalize(decomposed).value().getText()).isEqualTo("Caf\u00e9");
  }

  @Test
  void stripsControlCharactersButKeepsNewlinesAndTabs() {
    assertThat(normalize("a\u0000b\u0007c\r\nd\te\u007f\u0085").value().getText())
        .isEqualTo("abc\nd\te");
  }

  @Test
  void composesAcrossARemovedControlCharacter() {
    assertThat(normalize("e\u0007\u0301").value().getText()).isEqualTo("\u00e9");
  }

  @Test
  void removesUnpairedSurrogatesButKeepsPairs() {
    assertThat(normalize("a\uD800b\uD83D\uDE00").value().getText()).isEqualTo("ab\uD83D\uDE00");
  }

  @Test
  void trimsUnicodeWhitespace() {
    assertThat(normalize(" \u2003\n\thi there\u3000 ").value().getText()).isEqualTo("hi there");
  }

  @Test
  void rejectsEmptyAndWhitespaceOnlyText() {
    assertThat(normalize("").reason()).isEqualTo(RejectReason.EMPTY_TEXT);
    assertThat(normalize(" \n\t\u0001 ").reason()).isEqualTo(RejectReason.EMPTY_TEXT);
  }

  @Test
  void rejectsEmptyOrBlankIds() {
    assertThat(normalizer.normalize(ContentSamples.content("", "t"), KAFKA_TIME).reason())
        .isEqualTo(RejectReason.EMPTY_ID);
    assertThat(normalizer.normalize(ContentSamples.content("  ", "t"), KAFKA_TIME).reason())
        .isEqualTo(RejectReason.EMPTY_ID);
  }

  @Test
  void leavesTextAtTheSoftCapAlone() {
    ContentEvent event = normalize("x".repeat(SOFT_CAP)).value();

    assertThat(event.getText()).hasSize(SOFT_CAP);
    assertThat(event.getTruncated()).isFalse();
    assertThat(event.getOriginalLength()).isNull();
  }

  @Test
  void truncatesAtTheSoftCapAndMarksTheEvent() {
    ContentEvent event = normalize("0123456789ABCDE").value();

    assertThat(event.getText()).isEqualTo("0123456789");
    assertThat(event.getTruncated()).isTrue();
    assertThat(event.getOriginalLength()).isEqualTo(15);
  }

  @Test
  void countsCodePointsAndNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    ContentEvent event = normalize(emoji.repeat(12)).value();

    assertThat(event.getText()).isEqualTo(emoji.repeat(SOFT_CAP));
    assertThat(event.getOriginalLength()).isEqualTo(12);
  }

  @Test
  void rejectsTextOverTheHardCap() {
    Checked<ContentEvent> checked = normalize("y".repeat(HARD_CAP + 1));

    assertThat(checked.reason()).isEqualTo(RejectReason.TEXT_TOO_LONG);
    assertThat(checked.message()).contains("21").contains("20");
  }

  @Test
  void acceptsTextAtTheHardCapTruncated() {
    assertThat(normalize("y".repeat(HARD_CAP)).value().getTruncated()).isTrue();
  }

  @Test
  void overridesTruncationMarksFromTheProducer() {
    ContentEvent sent = ContentSamples.content("id", "short");
    sent.setTruncated(true);
    sent.setOriginalLength(999);

    ContentEvent event = normalizer.normalize(sent, KAFKA_TIME).value();

    assertThat(event.getTruncated()).isFalse();
    assertThat(event.getOriginalLength()).isNull();
  }

  @Test
  void fillsAMissingTimestampFromKafkaAndKeepsAGivenOne() {
    assertThat(normalize("t").value().getTimestampMs()).isEqualTo(KAFKA_TIME);

    ContentEvent withTime = ContentSamples.content("id", "t");
    withTime.setTimestampMs(5L);
    assertThat(normalizer.normalize(withTime, KAFKA_TIME).value().getTimestampMs()).isEqualTo(5L);

    assertThat(normalizer.normalize(ContentSamples.content("id", "t"), -1).value().getTimestampMs())
        .isNull();
  }

  @Test
  void keepsIdSourceAndAttributesUntouched() {
    ContentEvent sent = ContentSamples.content(" Id\u0007 ", "t");
    sent.setSource(" src ");
    sent.setAttributes(Map.of("k", " v "));

    ContentEvent event = normalizer.normalize(sent, KAFKA_TIME).value();

    assertThat(event.getId()).isEqualTo(" Id\u0007 ");
    assertThat(event.getSource()).isEqualTo(" src ");
    assertThat(event.getAttributes()).containsEntry("k", " v ");
  }

  @Test
  void refusesASoftCapAboveTheHardCap() {
    assertThatThrownBy(() -> new ContentNormalizer(30, 20))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsAnIdAtItsCapAndRejectsOneCharacterMore() {
    String emoji = "\uD83D\uDE00"; // counted as one character, as a user counts it
    assertThat(withId(emoji.repeat(ContentNormalizer.MAX_ID_CHARS)).isOk()).isTrue();

    Checked<ContentEvent> over = withId("i".repeat(ContentNormalizer.MAX_ID_CHARS + 1));
    assertThat(over.reason()).isEqualTo(RejectReason.ID_TOO_LONG);
    assertThat(over.message()).contains("513").contains("512");
  }

  @Test
  void acceptsASourceAtItsCapAndRejectsOneCharacterMore() {
    ContentEvent atCap = ContentSamples.content("id", "t");
    atCap.setSource("s".repeat(ContentNormalizer.MAX_SOURCE_CHARS));
    assertThat(normalizer.normalize(atCap, KAFKA_TIME).isOk()).isTrue();

    ContentEvent over = ContentSamples.content("id", "t");
    over.setSource("s".repeat(ContentNormalizer.MAX_SOURCE_CHARS + 1));
    assertThat(normalizer.normalize(over, KAFKA_TIME).reason())
        .isEqualTo(RejectReason.SOURCE_TOO_LONG);
  }

  @Test
  void acceptsAttributesUpToTheirCountAndRejectsOneMore() {
    assertThat(withAttributes(attributes(ContentNormalizer.MAX_ATTRIBUTES)).isOk()).isTrue();

    Checked<ContentEvent> over = withAttributes(attributes(ContentNormalizer.MAX_ATTRIBUTES + 1));
    assertThat(over.reason()).isEqualTo(RejectReason.TOO_MANY_ATTRIBUTES);
    assertThat(over.message()).contains("65").contains("64");
  }

  @Test
  void acceptsAttributeKeysAndValuesAtTheirCapsAndRejectsOneCharacterMore() {
    String key = "k".repeat(ContentNormalizer.MAX_ATTRIBUTE_KEY_CHARS);
    String value = "v".repeat(ContentNormalizer.MAX_ATTRIBUTE_VALUE_CHARS);
    assertThat(withAttributes(Map.of(key, value)).isOk()).isTrue();

    Checked<ContentEvent> longKey = withAttributes(Map.of(key + "k", "v"));
    assertThat(longKey.reason()).isEqualTo(RejectReason.ATTRIBUTE_TOO_LONG);
    assertThat(longKey.message()).contains("key").contains("129");

    Checked<ContentEvent> longValue = withAttributes(Map.of("lang", value + "v"));
    assertThat(longValue.reason()).isEqualTo(RejectReason.ATTRIBUTE_TOO_LONG);
    assertThat(longValue.message()).contains("\"lang\"").contains("513");
  }

  private Checked<ContentEvent> withId(String id) {
    return normalizer.normalize(ContentSamples.content(id, "t"), KAFKA_TIME);
  }

  private Checked<ContentEvent> withAttributes(Map<String, String> attributes) {
    ContentEvent event = ContentSamples.content("id", "t");
    event.setAttributes(attributes);
    return normalizer.normalize(event, KAFKA_TIME);
  }

  private static Map<String, String> attributes(int count) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < count; i++) {
      out.put("key" + i, "value" + i);
    }
    return out;
  }
}
