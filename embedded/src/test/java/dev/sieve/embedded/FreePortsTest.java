package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  /**
   * A broker's two listeners, asked for many times: found one after the other, the two ports were
   * the same 30 times in 200,000 pairs, which made a test broker (or {@code sieve demo}) fail to
   * start now and then. With 50,000 pairs that way, a run without a repeat has a chance of about 1
   * in 1,800.
   */
  @Test
  void portsFoundTogetherAreAllDifferent() {
    int repeats = 0;
    for (int i = 0; i < 50_000; i++) {
      int[] ports = FreePorts.fill(0, 0);
      if (ports[0] == ports[1]) {
        repeats++;
      }
    }

    assertThat(repeats).isZero();
  }

  @Test
  void keepsTheGivenPortsAndFindsOthersForTheZeros() throws Exception {
    try (ServerSocket given = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = given.getLocalPort();

      int[] ports = FreePorts.fill(port, 0, 0);

      assertThat(ports[0]).isEqualTo(port);
      assertThat(ports).doesNotHaveDuplicates().doesNotContain(0);
    }
  }

  @Test
  void aPortFoundIsFreeToBindOnLoopback() throws Exception {
    int port = FreePorts.fill(0)[0];

    try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }
}
