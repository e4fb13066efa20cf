package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

  private static final byte[] LOOPBACK_V4 = {127, 0, 0, 1};

  private static final byte[] MAPPED_LOOPBACK_V4 = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1
  };

  private static final byte[] LOOPBACK_V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

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

  /**
   * {@code /proc/net/tcp} and {@code tcp6} print each 32-bit word of an address as the kernel's
   * native int in hex, so the same address reads differently on little- and big-endian machines.
   * The kernel's text is built here for this machine's byte order (checked first against what an
   * x86-64 kernel prints), so the test runs, and means the same, on either.
   */
  @Test
  void parsesKernelAddressesInTheMachinesByteOrder() throws Exception {
    assertThat(kernelHex(LOOPBACK_V4, 8080, ByteOrder.LITTLE_ENDIAN)).isEqualTo("0100007F:1F90");
    assertThat(kernelHex(MAPPED_LOOPBACK_V4, 8080, ByteOrder.LITTLE_ENDIAN))
        .isEqualTo("0000000000000000FFFF00000100007F:1F90");
    assertThat(kernelHex(LOOPBACK_V6, 80, ByteOrder.LITTLE_ENDIAN))
        .isEqualTo("00000000000000000000000001000000:0050");
    assertThat(kernelHex(LOOPBACK_V4, 8080, ByteOrder.BIG_ENDIAN)).isEqualTo("7F000001:1F90");

    ByteOrder order = ByteOrder.nativeOrder();
    assertThat(ListeningSockets.parseAddress(kernelHex(LOOPBACK_V4, 8080, order)))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
    assertThat(ListeningSockets.parseAddress(kernelHex(MAPPED_LOOPBACK_V4, 8080, order)))
        .as("IPv4-mapped IPv6 is reported as IPv4")
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
    assertThat(ListeningSockets.parseAddress(kernelHex(LOOPBACK_V6, 80, order)))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 80));
    assertThat(
            ListeningSockets.parseAddress(kernelHex(new byte[4], 80, order))
                .getAddress()
                .isAnyLocalAddress())
        .isTrue();
  }

  /** An address and port as the kernel of a machine with byte order {@code order} prints them. */
  private static String kernelHex(byte[] address, int port, ByteOrder order) {
    ByteBuffer words = ByteBuffer.wrap(address).order(order);
    StringBuilder hex = new StringBuilder();
    while (words.hasRemaining()) {
      hex.append(String.format(Locale.ROOT, "%08X", words.getInt()));
    }
    return hex.append(String.format(Locale.ROOT, ":%04X", port)).toString();
  }
}
