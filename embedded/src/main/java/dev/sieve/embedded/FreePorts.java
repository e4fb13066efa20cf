package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds free TCP ports on the loopback interface. A port found here is released before the server
 * that will use it binds, so another process could take it in between; on one developer machine
 * that race is rare enough, and the servers fail loudly when it happens.
 */
final class FreePorts {

  static final String LOOPBACK = "127.0.0.1";

  private FreePorts() {}

  /** A TCP port that was free on 127.0.0.1 a moment ago. */
  static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free TCP port on " + LOOPBACK, e);
    }
  }
}
