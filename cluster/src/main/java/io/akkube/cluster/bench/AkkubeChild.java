package io.akkube.cluster.bench;

import io.akkube.cluster.ApiTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link BenchServer} child JVM on loopback: started on a data directory with a free port,
 * reached over HTTPS with the data directory's token and certificate, stopped or killed -9.
 */
final class AkkubeChild implements AutoCloseable {

  private final Path dataDir;
  private final Process process;
  private final int port;
  private final String token;
  private final HttpClient client;
  private final long startedNanos;

  private AkkubeChild(
      Path dataDir, Process process, int port, String token, HttpClient client, long started) {
    this.dataDir = dataDir;
    this.process = process;
    this.port = port;
    this.token = token;
    this.client = client;
    this.startedNanos = started;
  }

  /**
   * Starts the child on {@code dataDir} (created with a token and certificate when new). Its output
   * goes to {@code dataDir/server.log}.
   */
  static AkkubeChild start(Path dataDir, List<String> jvmOptions, int hollowNodes)
      throws Exception {
    Files.createDirectories(dataDir);
    Path tokenFile = dataDir.resolve("token");
    if (!Files.exists(tokenFile)) {
      Files.writeString(tokenFile, "bench-" + Long.toHexString(System.nanoTime()) + "\n");
    }
    String token = Files.readString(tokenFile).trim();
    ApiTls tls = ApiTls.ensure(dataDir, Set.of("127.0.0.1"), Set.of("localhost"));
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchServer.class.getName());
    command.add(dataDir.toString());
    command.add(Integer.toString(port));
    command.add(Integer.toString(hollowNodes));
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()))
            .start();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    return new AkkubeChild(dataDir, process, port, token, client, started);
  }

  /** Another client with its own connections (for watches that stay open). */
  HttpClient newClient() throws Exception {
    return HttpClient.newBuilder()
        .sslContext(
            ApiTls.ensure(dataDir, Set.of("127.0.0.1"), Set.of("localhost")).clientContext())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** GETs {@code path} and parses the JSON answer; fails on a status other than 200. */
  com.fasterxml.jackson.databind.JsonNode getJson(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> r =
        client.send(request(pathAndQuery).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          pathAndQuery
              + ": "
              + r.statusCode()
              + " "
              + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return io.akkube.core.api.Json.MAPPER.readTree(r.body());
  }

  /** POSTs a JSON body; completes with null on 201, else the status and body. */
  java.util.concurrent.CompletableFuture<String> create(String collectionPath, byte[] body) {
    return client
        .sendAsync(
            request(collectionPath)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r ->
                r.statusCode() == 201
                    ? null
                    : r.statusCode() + " " + ApiCreateBench.abbreviate(r.body()));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  long pid() {
    return process.pid();
  }

  HttpClient client() {
    return client;
  }

  URI uri(String pathAndQuery) {
    return URI.create("https://127.0.0.1:" + port + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + token);
  }

  /** Seconds from the process start until {@code /readyz} answered 200. */
  double awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("akkube exited with " + process.exitValue() + log());
      }
      try {
        HttpResponse<String> r =
            client.send(
                request("/readyz").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return (System.nanoTime() - startedNanos) / 1e9;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("/readyz did not answer 200 within " + timeout + log());
      }
      Thread.sleep(50);
    }
  }

  long startedNanos() {
    return startedNanos;
  }

  /** Creates a namespace; a 409 (exists) is fine. */
  void createNamespace(String name) throws Exception {
    HttpResponse<String> r =
        client.send(
            request("/api/v1/namespaces")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                            + name
                            + "\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IllegalStateException("namespace " + name + ": " + r.statusCode() + " " + r.body());
    }
  }

  /** Resident set size of the child in MiB (from /proc). */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  /** Heap in use after a full collection, in MiB (through jcmd). */
  double heapUsedAfterGcMiB() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String pid = Long.toString(process.pid());
    Machine.run(jcmd, pid, "GC.run");
    Matcher m = HEAP_USED.matcher(Machine.run(jcmd, pid, "GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then kill -9 if it has not exited within 20 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /** The tail of the child's log, for error messages. */
  String log() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("server.log"));
      return "\n--- server.log (tail) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
