package dev.sieve.core.content;

import dev.sieve.schemas.ContentEvent;
import java.io.Serializable;
import java.text.Normalizer;
import java.util.Map;

/**
 * Validates and normalises a decoded content event:
 *
 * <ol>
 *   <li>the id must not be null, empty or blank ({@link RejectReason#EMPTY_ID}), nor longer than
 *       {@value #MAX_ID_CHARS} ({@link RejectReason#ID_TOO_LONG});
 *   <li>the source, when present, must not be longer than {@value #MAX_SOURCE_CHARS} ({@link
 *       RejectReason#SOURCE_TOO_LONG});
 *   <li>at most {@value #MAX_ATTRIBUTES} attributes ({@link RejectReason#TOO_MANY_ATTRIBUTES}),
 *       each key at most {@value #MAX_ATTRIBUTE_KEY_CHARS} and each value at most {@value
 *       #MAX_ATTRIBUTE_VALUE_CHARS} long ({@link RejectReason#ATTRIBUTE_TOO_LONG});
 *   <li>the text as received must not be longer than the hard cap ({@link
 *       RejectReason#TEXT_TOO_LONG}) — checked first, so an oversized text costs no normalisation;
 *   <li>the text is normalised: control characters removed except newline and tab (a CR, as in
 *       CRLF, is removed too), unpaired surrogates removed (Avro could not encode them faithfully),
 *       Unicode NFC, then leading and trailing whitespace trimmed;
 *   <li>the result must not be empty ({@link RejectReason#EMPTY_TEXT});
 *   <li>a text longer than the soft cap is cut there, and the event marked {@code truncated} with
 *       its {@code originalLength}.
 * </ol>
 *
 * <p>Lengths are in Unicode code points ("characters" as a user counts them, closer than UTF-16
 * units), and a cut never splits a surrogate pair. {@code truncated} and {@code originalLength} are
 * always set by this class, whatever the producer sent. A missing {@code timestampMs} is filled
 * with the Kafka record timestamp when there is one. Ids and attributes are never changed.
 */
public final class ContentNormalizer implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * The longest content id. Ids are keys everywhere (Kafka key, de-duplication state, the join of
   * labels to content, label requests shown to people): UUIDs, hashes and URL-like paths fit with
   * room to spare, while a longer "id" is a payload in the wrong field that would be copied into
   * every prediction, request and label of that content.
   */
  public static final int MAX_ID_CHARS = 512;

  /** The longest {@code source}: a name of an app or channel, not a document. */
  public static final int MAX_SOURCE_CHARS = 256;

  /**
   * The most attributes one event may carry: metadata such as language, country or author kind,
   * passed through to every output; 64 entries of the capped sizes stay under 42,000 characters,
   * about twice the text's hard cap by default.
   */
  public static final int MAX_ATTRIBUTES = 64;

  /** The longest attribute key: a name, like a JSON field's. */
  public static final int MAX_ATTRIBUTE_KEY_CHARS = 128;

  /** The longest attribute value: a tag or short string, not a second text. */
  public static final int MAX_ATTRIBUTE_VALUE_CHARS = 512;

  private final int softCap;
  private final int hardCap;

  /**
   * @param softCap texts longer than this (in code points) are truncated to it
   * @param hardCap texts longer than this are rejected; at least {@code softCap}
   */
  public ContentNormalizer(int softCap, int hardCap) {
    if (softCap < 1 || hardCap < softCap) {
      throw new IllegalArgumentException(
          "need 1 <= softCap <= hardCap, got softCap=" + softCap + " hardCap=" + hardCap);
    }
    this.softCap = softCap;
    this.hardCap = hardCap;
  }

  /**
   * @param kafkaTimestampMs timestamp of the Kafka record, or a negative number when it has none
   */
  public Checked<ContentEvent> normalize(ContentEvent event, long kafkaTimestampMs) {
    String id = event.getId();
    if (id == null || id.isBlank()) {
      return Checked.rejected(
          RejectReason.EMPTY_ID, "the id is " + (id == null ? "null" : "empty"));
    }
    Checked<ContentEvent> oversized = oversizedMetadata(event);
    if (oversized != null) {
      return oversized;
    }
    String raw = event.getText();
    if (raw == null) {
      return Checked.rejected(RejectReason.EMPTY_TEXT, "the text is null");
    }
    // A String holds at most one code point per char, so raw.length() is a cheap upper bound.
    if (raw.length() > hardCap) {
      int length = raw.codePointCount(0, raw.length());
      if (length > hardCap) {
        return Checked.rejected(
            RejectReason.TEXT_TOO_LONG,
            "the text has " + length + " characters, more than the hard cap of " + hardCap);
      }
    }
    String text = normalizeText(raw);
    if (text.isEmpty()) {
      return Checked.rejected(
          RejectReason.EMPTY_TEXT, "the text is empty or only whitespace and control characters");
    }
    ContentEvent.Builder out =
        ContentEvent.newBuilder(event).setTruncated(false).setOriginalLength(null);
    int length = text.codePointCount(0, text.length());
    if (length > softCap) {
      text = text.substring(0, text.offsetByCodePoints(0, softCap));
      out.setTruncated(true).setOriginalLength(length);
    }
    out.setText(text);
    if (event.getTimestampMs() == null && kafkaTimestampMs >= 0) {
      out.setTimestampMs(kafkaTimestampMs);
    }
    return Checked.ok(out.build());
  }

  /** The rejection for an id, source or attributes over their caps, or null when all fit. */
  private static Checked<ContentEvent> oversizedMetadata(ContentEvent event) {
    int idLength = length(event.getId());
    if (idLength > MAX_ID_CHARS) {
      return Checked.rejected(
          RejectReason.ID_TOO_LONG,
          "the id has " + idLength + " characters, more than the cap of " + MAX_ID_CHARS);
    }
    int sourceLength = length(event.getSource());
    if (sourceLength > MAX_SOURCE_CHARS) {
      return Checked.rejected(
          RejectReason.SOURCE_TOO_LONG,
          "the source has "
              + sourceLength
              + " characters, more than the cap of "
              + MAX_SOURCE_CHARS);
    }
    Map<String, String> attributes = event.getAttributes();
    if (attributes == null) {
      return null;
    }
    if (attributes.size() > MAX_ATTRIBUTES) {
      return Checked.rejected(
          RejectReason.TOO_MANY_ATTRIBUTES,
          "there are " + attributes.size() + " attributes, more than the cap of " + MAX_ATTRIBUTES);
    }
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      int keyLength = length(attribute.getKey());
      if (keyLength > MAX_ATTRIBUTE_KEY_CHARS) {
        return Checked.rejected(
            RejectReason.ATTRIBUTE_TOO_LONG,
            "an attribute key has "
                + keyLength
                + " characters, more than the cap of "
                + MAX_ATTRIBUTE_KEY_CHARS);
      }
      int valueLength = length(attribute.getValue());
      if (valueLength > MAX_ATTRIBUTE_VALUE_CHARS) {
        return Checked.rejected(
            RejectReason.ATTRIBUTE_TOO_LONG,
            "the value of attribute \""
                + attribute.getKey()
                + "\" has "
                + valueLength
                + " characters, more than the cap of "
                + MAX_ATTRIBUTE_VALUE_CHARS);
      }
    }
    return null;
  }

  /** Length in code points; 0 for null. */
  private static int length(String s) {
    return s == null ? 0 : s.codePointCount(0, s.length());
  }

  /** Control characters (but newline and tab) and unpaired surrogates out, NFC, trimmed. */
  public static String normalizeText(String text) {
    StringBuilder kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int width = Character.charCount(cp);
      boolean control = Character.getType(cp) == Character.CONTROL && cp != '\n' && cp != '\t';
      boolean loneSurrogate = Character.getType(cp) == Character.SURROGATE;
      if (!control && !loneSurrogate) {
        kept.appendCodePoint(cp);
      }
      i += width;
    }
    // Stripping before NFC, so that a removed control character cannot keep a base character and
    // its combining mark apart.
    return Normalizer.normalize(kept, Normalizer.Form.NFC).strip();
  }
}
