package dev.sieve.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc}: the socket inodes among
 * {@code /proc/<pid>/fd}, matched against the LISTEN entries of {@code /proc/<pid>/net/tcp} and
 * {@code tcp6}. Tests use it to check that every server Sieve starts listens on loopback only.
 * Linux only; the caller needs the right to read the process's {@code fd} directory (same user).
 */
public final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /**
   * TCP sockets in LISTEN state owned by process {@code pid}. An IPv4-mapped IPv6 address ({@code
   * ::ffff:127.0.0.1}) is reported as the IPv4 address, which is what it accepts.
   */
  public static List<InetSocketAddress> tcpListeners(long pid) {
    Set<String> inodes = socketInodes(pid);
    List<InetSocketAddress> listeners = new ArrayList<>();
    Path net = Paths.get("/proc", String.valueOf(pid), "net");
    for (String table : List.of("tcp", "tcp6")) {
      Path file = net.resolve(table);
      if (!Files.exists(file)) {
        continue; // no IPv6 in this kernel
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 9 && LISTEN.equals(fields[3]) && inodes.contains(fields[9])) {
          listeners.add(parseAddress(fields[1]));
        }
      }
    }
    return listeners;
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    Path fds = Paths.get("/proc", String.valueOf(pid), "fd");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path fd : entries) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed while we listed the directory
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + fds + " (is process " + pid + " alive?)", e);
    }
    return inodes;
  }

  /**
   * Parses {@code ADDR:PORT} as the kernel prints it: the port in big-endian hex, the address as
   * 32-bit words in hex, each word in the machine's byte order.
   */
  static InetSocketAddress parseAddress(String hex) {
    int colon = hex.indexOf(':');
    String addressHex = hex.substring(0, colon);
    int port = Integer.parseInt(hex.substring(colon + 1), 16);
    byte[] bytes = new byte[addressHex.length() / 2];
    boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int hexIndex = (word * 4 + i) * 2;
        int b = Integer.parseInt(addressHex.substring(hexIndex, hexIndex + 2), 16);
        bytes[word * 4 + (littleEndian ? 3 - i : i)] = (byte) b;
      }
    }
    try {
      // getByAddress turns an IPv4-mapped IPv6 address into an Inet4Address.
      return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Bad address in /proc/net: " + hex, e);
    }
  }
}
