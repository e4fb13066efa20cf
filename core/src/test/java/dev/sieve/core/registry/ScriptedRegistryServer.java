package dev.sieve.core.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in registry on 127.0.0.1 for unit tests: answers each request with the next scripted
 * answer (the last one repeats), records what it received, and can hang a request until closed to
 * provoke client timeouts.
 */
final class ScriptedRegistryServer implements AutoCloseable {

  /** One scripted answer; a negative status means "never answer". */
  record Answer(int status, String body) {
    static Answer json(int status, String body) {
      return new Answer(status, body);
    }

    static Answer hang() {
      return new Answer(-1, null);
    }
  }

  /** One received request. */
  record Received(
      String method, String uri, String contentType, String authorization, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();

  private ScriptedRegistryServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static ScriptedRegistryServer start(Answer... answers) {
    try {
      ScriptedRegistryServer s =
          new ScriptedRegistryServer(
              HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
      s.script(answers);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ScriptedRegistryServer startTls(HttpsConfigurator tls, Answer... answers) {
    try {
      HttpsServer https =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      https.setHttpsConfigurator(tls);
      ScriptedRegistryServer s = new ScriptedRegistryServer(https);
      s.script(answers);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void script(Answer... answers) {
    script.clear();
    script.addAll(List.of(answers));
  }

  String url() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  synchronized int requestCount() {
    return received.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Answer answer;
    synchronized (this) {
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      answer = script.size() > 1 ? script.poll() : script.peek();
    }
    if (answer == null || answer.status() < 0) {
      try {
        closing.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    byte[] body =
        answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
