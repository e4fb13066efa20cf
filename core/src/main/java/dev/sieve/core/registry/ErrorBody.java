package dev.sieve.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The error body of a Confluent-API answer, {@code {"error_code":40403,"message":"..."}}; both
 * parts are optional, because proxies and misconfigured URLs answer with HTML or nothing.
 */
record ErrorBody(Integer errorCode, String message) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ErrorBody parse(String body) {
    if (body == null || body.isBlank()) {
      return new ErrorBody(null, null);
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        return new ErrorBody(null, null);
      }
      JsonNode code = node.get("error_code");
      JsonNode message = node.get("message");
      return new ErrorBody(
          code != null && code.canConvertToInt() ? code.asInt() : null,
          message != null && !message.isNull() ? message.asText() : null);
    } catch (IOException e) {
      return new ErrorBody(null, null);
    }
  }

  /** The registry's error code, or the HTTP status when the body has none. */
  int code(int status) {
    return errorCode != null ? errorCode : status;
  }

  /** The registry's message, or the raw body (shortened) when it has none. */
  String message(String rawBody) {
    if (message != null) {
      return message;
    }
    if (rawBody == null || rawBody.isBlank()) {
      return "(empty body)";
    }
    String oneLine = rawBody.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }
}
