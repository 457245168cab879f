package io.akkube.cluster.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The packaged akkube launcher started with hollow nodes (a minimal copy of the e2e harness, which
 * is package-private there): {@code up --hollow-nodes N ...} on a free port and its own data
 * directory, driven by the real kubectl and plain HTTPS. Closing it kills the process and, unless
 * {@link #keep()} was called, deletes the directory.
 */
final class HollowCluster implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Path dataDir;
  private final int port;
  private final Process process;
  private final Path stderr;
  private HttpClient http;
  private boolean keep;

  private HollowCluster(Path dir, int port, Process process, Path stderr) {
    this.dir = dir;
    this.dataDir = dir.resolve("data");
    this.port = port;
    this.process = process;
    this.stderr = stderr;
  }

  /** Starts akkube with the given extra {@code up} arguments and waits for {@code nodes} nodes. */
  static HollowCluster start(String name, int nodes, String... upArgs) throws Exception {
    Path dir = Files.createTempDirectory("akkube-sched-" + name + "-");
    int port = freePort();
    String build = System.getProperty("akkube.buildDirectory", "target");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-cp",
                build + "/akkube-cluster.jar:" + build + "/lib/*",
                "io.akkube.cluster.Main",
                "up",
                "--data-dir",
                dir.resolve("data").toString(),
                "--api-port",
                Integer.toString(port),
                "--node-name",
                "sched-local"));
    command.addAll(List.of(upArgs));
    Path stderr = dir.resolve("akkube.stderr.log");
    Path stdout = dir.resolve("akkube.stdout.log");
    Process p =
        new ProcessBuilder(command)
            .redirectError(stderr.toFile())
            .redirectOutput(stdout.toFile())
            .start();
    HollowCluster c = new HollowCluster(dir, port, p, stderr);
    try {
      await(
          Duration.ofSeconds(180),
          "akkube ready",
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError("akkube exited: " + c.stderrTail(40));
            }
            try {
              return Files.readString(stdout).contains("akkube is ready");
            } catch (IOException e) {
              return false;
            }
          });
      await(
          Duration.ofSeconds(180),
          nodes + " nodes registered",
          () -> c.kubectl("get", "nodes", "--no-headers").stdout().lines().count() >= nodes);
    } catch (Throwable e) {
      c.keep();
      c.close();
      throw e;
    }
    return c;
  }

  /** What one kubectl run printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  Result kubectl(String... args) {
    return kubectlWithStdin(null, args);
  }

  Result kubectlWithStdin(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "kubectl", ".out");
      Path err = Files.createTempFile(dir, "kubectl", ".err");
      ProcessBuilder b =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(
                  stdin == null
                      ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                      : ProcessBuilder.Redirect.PIPE);
      b.environment().put("KUBECONFIG", dataDir.resolve("kubeconfig").toString());
      b.environment().put("KUBECACHEDIR", dir.resolve("kubectl-cache").toString());
      Process p = b.start();
      if (stdin != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(KUBECTL_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + KUBECTL_TIMEOUT);
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** kubectl that must succeed; its stdout. */
  String ok(String... args) {
    Result r = kubectl(args);
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " → " + r);
    }
    return r.stdout();
  }

  /** {@code kubectl apply -f -} of a manifest that must succeed. */
  String apply(String manifest) {
    Result r = kubectlWithStdin(manifest, "apply", "-f", "-");
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl apply of\n" + manifest + "\n→ " + r);
    }
    return r.stdout();
  }

  /** {@code kubectl get ... -o json} as a tree. */
  JsonNode getJson(String... args) {
    List<String> all = new ArrayList<>(List.of("get"));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", "json"));
    try {
      return JSON.readTree(ok(all.toArray(String[]::new)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request to the API with the cluster's token, trusting its certificate. */
  HttpResponse<String> api(String method, String path, String body) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
              .header("Authorization", "Bearer " + token())
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(60))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      return http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .sslContext(sslContext())
              .version(HttpClient.Version.HTTP_1_1)
              .build();
    }
    return http;
  }

  private String token() throws IOException {
    return Files.readString(dataDir.resolve("token")).trim();
  }

  private SSLContext sslContext() {
    try {
      String ca = null;
      for (String line : Files.readAllLines(dataDir.resolve("kubeconfig"))) {
        String t = line.trim();
        if (t.startsWith("certificate-authority-data:")) {
          ca = t.substring("certificate-authority-data:".length()).trim();
        }
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(
          "akkube",
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(ca))));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String stderrTail(int lines) {
    try {
      List<String> all = Files.readAllLines(stderr);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  /** Keep the directory (a test failed): its stderr log is the first thing to read. */
  void keep() {
    keep = true;
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!keep) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } else {
      System.err.println("kept " + dir + "; akkube stderr ends with:\n" + stderrTail(60));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls {@code condition} (10 ms backing off to 250 ms) until it holds or the time is up. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(timeout, what, condition);
  }
}
