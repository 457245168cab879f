package io.akkube.cluster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd (Debian's {@code etcd-server}) on 127.0.0.1 with its own data directory and
 * free ports: the peer akkube is measured against. Installed with apt-get when missing.
 */
final class EtcdProcess implements AutoCloseable {

  private final Process process;
  private final int clientPort;

  private EtcdProcess(Process process, int clientPort) {
    this.process = process;
    this.clientPort = clientPort;
  }

  /** The {@code etcd --version} line, installing etcd-server first when etcd is not on the path. */
  static String version() throws Exception {
    String out = Machine.run("etcd", "--version");
    if (out.isEmpty()) {
      System.out.println("etcd not found: apt-get install -y etcd-server");
      Process p =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "apt-get update -qq && DEBIAN_FRONTEND=noninteractive"
                      + " apt-get install -y -qq etcd-server")
              .inheritIO()
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("could not install etcd-server (run as root?)");
      }
      out = Machine.run("etcd", "--version");
    }
    return out.lines().findFirst().orElse("etcd (unknown version)");
  }

  static EtcdProcess start(Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    int client = AkkubeChild.freePort();
    int peer = AkkubeChild.freePort();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    List<String> command =
        List.of(
            "etcd",
            "--name=bench",
            "--data-dir=" + dataDir.resolve("etcd"),
            "--listen-client-urls=" + clientUrl,
            "--advertise-client-urls=" + clientUrl,
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=bench=" + peerUrl,
            "--initial-cluster-state=new",
            "--logger=zap",
            "--log-level=warn");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
            .start();
    EtcdProcess etcd = new EtcdProcess(process, client);
    etcd.awaitHealthy(Duration.ofSeconds(60), dataDir);
    return etcd;
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  long pid() {
    return process.pid();
  }

  private void awaitHealthy(Duration timeout, Path dataDir) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "etcd exited with " + process.exitValue() + ": " + tail(dataDir));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("etcd not healthy within " + timeout + ": " + tail(dataDir));
  }

  private static String tail(Path dataDir) throws IOException {
    List<String> lines = Files.readAllLines(dataDir.resolve("etcd.log"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
