package dev.sieve.cli.client;

import dev.sieve.core.content.Checked;
import dev.sieve.core.content.JsonContentParser;
import dev.sieve.schemas.ContentEvent;

/**
 * One line of a JSON-lines file, as {@code sieve produce} reads it: a JSON object with {@code id}
 * and {@code text}, and optionally {@code source}, {@code timestampMs} and {@code attributes}.
 * Parsing is ingest-job's own {@link JsonContentParser}, so a line the CLI accepts is one the job
 * accepts as JSON too; on top, a blank id or text is refused here, since the job would only
 * dead-letter it.
 */
final class ContentLine {

  private static final JsonContentParser PARSER = new JsonContentParser();

  /** A parsed event, or why the line was skipped. */
  record Parsed(ContentEvent event, String problem) {
    boolean ok() {
      return event != null;
    }
  }

  private ContentLine() {}

  static Parsed parse(String line) {
    String trimmed = line.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return new Parsed(
          null, "not a JSON object: a line must look like {\"id\": ..., \"text\": ...}");
    }
    Checked<ContentEvent> checked = PARSER.parse(trimmed, true);
    if (!checked.isOk()) {
      return new Parsed(null, checked.message());
    }
    ContentEvent event = checked.value();
    if (event.getId().isBlank()) {
      return new Parsed(null, "\"id\" is blank");
    }
    if (event.getText().isBlank()) {
      return new Parsed(null, "\"text\" is blank");
    }
    return new Parsed(event, null);
  }
}
