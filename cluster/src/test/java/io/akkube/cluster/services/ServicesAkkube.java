package io.akkube.cluster.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One packaged akkube ({@code akkube up --service-cidr 127.97.0.0/16}: API + node agent) for the
 * service tests, with the real kubectl and plain HTTPS calls pointed at it.
 */
final class ServicesAkkube implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SERVICE_CIDR = "127.97.0.0/16";

  final Path dir;
  final int port;
  private final Process server;
  private HttpClient http;

  private ServicesAkkube(Path dir, int port, Process server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  static ServicesAkkube start(String name) throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
    Path dir = Files.createTempDirectory(build, name + "-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-cp",
            build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*",
            "io.akkube.cluster.Main",
            "up",
            "--data-dir",
            dir.resolve("data").toString(),
            "--bind",
            "127.0.0.1",
            "--api-port",
            Integer.toString(port),
            "--node-name",
            "svc-node",
            "--service-cidr",
            SERVICE_CIDR);
    Path stdout = dir.resolve("stdout.log");
    Process server =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(dir.resolve("stderr.log").toFile())
            .start();
    ServicesAkkube akkube = new ServicesAkkube(dir, port, server);
    await(
        Duration.ofSeconds(180),
        "akkube ready",
        () -> read(stdout).contains("akkube is ready") || !server.isAlive());
    assertThat(server.isAlive()).as(read(dir.resolve("stderr.log"))).isTrue();
    return akkube;
  }

  @Override
  public void close() throws Exception {
    if (server.isAlive()) {
      kubectl("delete", "pods", "--all", "--force", "--grace-period=0");
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  // ---- kubectl ----

  /** Output and error output of kubectl together. */
  String kubectl(String... args) throws Exception {
    Process p = kubectlProcess(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  void apply(String yaml) throws Exception {
    Process p = kubectlProcess("apply", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(yaml.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  /** kubectl create -f - and its output (errors included). */
  String create(String yaml) throws Exception {
    Process p = kubectlProcess("create", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(yaml.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out.trim();
  }

  JsonNode get(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("get"));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", "json"));
    return JSON.readTree(kubectl(all.toArray(String[]::new)));
  }

  private ProcessBuilder kubectlProcess(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
    return pb;
  }

  // ---- plain HTTPS ----

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + Files.readString(dir.resolve("data/token")).trim())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private synchronized HttpClient client() throws Exception {
    if (http == null) {
      String caData = null;
      for (String line : Files.readAllLines(dir.resolve("data/kubeconfig"))) {
        String t = line.trim();
        if (t.startsWith("certificate-authority-data:")) {
          caData = t.substring("certificate-authority-data:".length()).trim();
        }
      }
      X509Certificate ca =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(Base64.getDecoder().decode(caData)));
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("akkube", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(ssl)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }
    return http;
  }

  // ---- waiting ----

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void await(Duration timeout, String what, Check condition) throws InterruptedException {
    io.akkube.cluster.e2e.Await.eventually(timeout, what, condition::holds);
  }
}
