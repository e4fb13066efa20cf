package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

  @Test
  void findsAServerSocketOfThisProcessWithItsPort() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      var listeners = ListeningSockets.tcpListeners(ProcessHandle.current().pid());

      assertThat(listeners)
          .contains(
              new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()));
    }
  }

  @Test
  void doesNotReportAClosedServerSocket() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = server.getLocalPort();
    }

    assertThat(ListeningSockets.tcpListeners(ProcessHandle.current().pid()))
        .extracting(InetSocketAddress::getPort)
        .doesNotContain(port);
  }

  @Test
  void parsesKernelAddressesOnALittleEndianMachine() throws Exception {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);

    assertThat(ListeningSockets.parseAddress("0100007F:1F90"))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
    assertThat(ListeningSockets.parseAddress("0000000000000000FFFF00000100007F:1F90"))
        .as("IPv4-mapped IPv6 is reported as IPv4")
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
    assertThat(ListeningSockets.parseAddress("00000000000000000000000001000000:0050"))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 80));
    assertThat(ListeningSockets.parseAddress("00000000:0050").getAddress().isAnyLocalAddress())
        .isTrue();
  }
}
