package io.akkube.cluster.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One packaged akkube started with {@code --runtime docker-api} on the machine's Podman service
 * (scripts/test-engine.sh), the real kubectl and podman pointed at it; killable with SIGKILL and
 * started again on the same data directory and port. Its node address is 127.0.0.1, so its pods get
 * addresses from 127.244.1.0/24. With a service CIDR (inside 127.0.0.0/8) the node's proxy serves
 * ClusterIPs and NodePorts; without one it is off. The cluster DNS is off.
 */
public final class EngineAkkube implements AutoCloseable {

  public static final String SOCKET = "/run/podman/podman.sock";
  private static final ObjectMapper JSON = new ObjectMapper();

  public final Path dir;
  public final String node;
  private final int port;
  private final String serviceCidr;
  private Process server;
  private int incarnation;

  private EngineAkkube(Path dir, String node, String serviceCidr) throws IOException {
    this.dir = dir;
    this.node = node;
    this.serviceCidr = serviceCidr;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
  }

  /** Whether the engine answers (the suite is skipped only when it truly cannot run). */
  public static boolean engineAnswers() {
    if (!Files.exists(Path.of(SOCKET))) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(
                  "curl", "-sf", "--max-time", "5", "--unix-socket", SOCKET, "http://d/_ping")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Without the node's proxy. */
  public static EngineAkkube start(String name, String node) throws Exception {
    return start(name, node, "");
  }

  /** With the node's proxy serving ClusterIPs from {@code serviceCidr} (empty: no proxy). */
  public static EngineAkkube start(String name, String node, String serviceCidr) throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    EngineAkkube akkube =
        new EngineAkkube(Files.createTempDirectory(build, name + "-"), node, serviceCidr);
    akkube.start();
    return akkube;
  }

  void start() throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    incarnation++;
    List<String> command =
        new ArrayList<>(
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
                node,
                "--runtime",
                "docker-api"));
    if (!serviceCidr.isEmpty()) {
      command.addAll(List.of("--service-cidr", serviceCidr));
    }
    Path stdout = dir.resolve("stdout-" + incarnation + ".log");
    Path stderr = dir.resolve("stderr-" + incarnation + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().put("AKKUBE_NODE_BACKOFF_INITIAL", "2s");
    pb.environment().put("AKKUBE_NODE_BACKOFF_MAX", "8s");
    pb.environment().put("AKKUBE_NODE_IMAGE_PULL_BACKOFF_INITIAL", "5s");
    pb.environment().put("AKKUBE_NODE_PROXY_ENABLED", Boolean.toString(!serviceCidr.isEmpty()));
    pb.environment().put("AKKUBE_DNS_ENABLED", "false");
    server = pb.start();
    eventually(
        Duration.ofSeconds(120),
        "akkube ready",
        () -> read(stdout).contains("akkube is ready") || !server.isAlive());
    assertThat(server.isAlive()).as(read(stderr)).isTrue();
  }

  void kill9() throws InterruptedException {
    server.destroyForcibly();
    server.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (server != null && server.isAlive()) {
      kubectl("delete", "deployments,replicasets", "--all");
      kubectl("delete", "pods", "--all", "--force", "--grace-period=0");
      eventually(Duration.ofSeconds(60), "no containers left", () -> containers().isEmpty());
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** Names of this node's engine containers ({@code podman ps -a}, by the node label). */
  public List<String> containers() {
    try {
      String out =
          run(
              "podman",
              "ps",
              "-a",
              "--filter",
              "label=io.akkube.node=" + node,
              "--format",
              "{{.Names}}");
      List<String> names = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          names.add(line.trim());
        }
      }
      return names;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String kubectl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** kubectl with {@code input} on its stdin. */
  public String kubectlWithInput(String input, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
    Process p = pb.start();
    p.getOutputStream().write(input.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  public void apply(String yaml) throws Exception {
    String out = kubectlWithInput(yaml, "apply", "-f", "-");
    assertThat(out).doesNotContain("error");
  }

  public JsonNode pod(String name) throws Exception {
    return JSON.readTree(kubectl("get", "pod", name, "-o", "json"));
  }

  /** {@code kubectl get pod NAME --no-headers}, blanks collapsed. */
  public String row(String name) {
    try {
      return String.join(" ", kubectl("get", "pod", name, "--no-headers").trim().split("\\s+"));
    } catch (Exception e) {
      return "";
    }
  }

  public String events(String pod) throws Exception {
    return kubectl(
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=" + pod,
        "-o",
        "custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message",
        "--no-headers");
  }

  public static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * name -> status.podIP of the pods selected by {@code selector} that are Ready and not deleted.
   */
  public java.util.Map<String, String> readyPodIps(String selector) throws Exception {
    JsonNode pods =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(kubectl("get", "pods", "-l", selector, "-o", "json"));
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (JsonNode pod : pods.path("items")) {
      boolean ready = false;
      for (JsonNode c : pod.path("status").path("conditions")) {
        ready |=
            c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True");
      }
      if (ready && !pod.path("metadata").has("deletionTimestamp")) {
        out.put(
            pod.path("metadata").path("name").asText(), pod.path("status").path("podIP").asText());
      }
    }
    return out;
  }

  public interface Check {
    boolean ok() throws Exception;
  }

  public static void eventually(Duration timeout, String what, Check check) throws Exception {
    io.akkube.cluster.e2e.Await.until(timeout, what, failure -> false, check::ok);
  }
}
