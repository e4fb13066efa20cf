package dev.sieve.model;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PEM armour of keys (RFC 7468): {@code -----BEGIN <label>-----}, base64, {@code END}. */
final class Pem {

  static final String PRIVATE = "PRIVATE KEY";
  static final String PUBLIC = "PUBLIC KEY";

  private Pem() {}

  static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The DER bytes of every {@code label} block in {@code text}, in order. */
  static List<byte[]> decodeAll(String label, String text) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = pattern(label).matcher(text);
    while (m.find()) {
      try {
        out.add(Base64.getMimeDecoder().decode(m.group(1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a " + label + " block is not valid base64");
      }
    }
    return out;
  }

  private static Pattern pattern(String label) {
    return Pattern.compile(
        "-----BEGIN " + label + "-----([A-Za-z0-9+/=\\s]*)-----END " + label + "-----");
  }

  /** The DER bytes of the first {@code label} block in {@code text}, or null when there is none. */
  static byte[] decode(String label, String text) {
    Matcher m = pattern(label).matcher(text);
    if (!m.find()) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
