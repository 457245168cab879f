package io.akkube.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One packaged akkube ({@code akkube up}: API + node agent with the process runtime) for the node
 * tests, and the real kubectl pointed at it. It can be killed with SIGKILL and started again on the
 * same data directory and port.
 */
final class Akkube implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final String node;
  private final int port;
  private final Map<String, String> env;
  private final List<String> extraArgs;
  private Process server;
  private int incarnation;

  private Akkube(Path dir, String node, Map<String, String> env, List<String> extraArgs)
      throws IOException {
    this.dir = dir;
    this.node = node;
    this.env = env;
    this.extraArgs = extraArgs;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
  }

  /** Back-off shortened to 2 s doubling to 8 s; {@code env} and {@code args} add to that. */
  static Akkube start(String name, String node, Map<String, String> env, String... args)
      throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
    Path dir = Files.createTempDirectory(build, name + "-");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("AKKUBE_NODE_BACKOFF_INITIAL", "2s");
    all.put("AKKUBE_NODE_BACKOFF_MAX", "8s");
    all.putAll(env);
    Akkube akkube = new Akkube(dir, node, all, List.of(args));
    akkube.start();
    return akkube;
  }

  /** Starts (again) on the same data directory and port; returns once the API is ready. */
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
                node));
    command.addAll(extraArgs);
    Path stdout = dir.resolve("stdout-" + incarnation + ".log");
    Path stderr = dir.resolve("stderr-" + incarnation + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().putAll(env);
    server = pb.start();
    await(
        Duration.ofSeconds(120),
        "akkube ready",
        () -> read(stdout).contains("akkube is ready") || !server.isAlive());
    assertThat(server.isAlive()).as(read(stderr)).isTrue();
  }

  /** SIGKILL, as a crash or the OOM killer would end it: no shutdown hooks run. */
  void kill9() throws InterruptedException {
    server.destroyForcibly();
    server.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (server != null && server.isAlive()) {
      kubectl("delete", "pods", "--all", "--force", "--grace-period=0");
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  // ---- kubectl ----

  String kubectl(String... args) throws Exception {
    Process p = kubectlProcess(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  void apply(String yaml) throws Exception {
    Process p = kubectlProcess("apply", "-f", "-").start();
    p.getOutputStream().write(yaml.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out + new String(p.getErrorStream().readAllBytes())).isZero();
  }

  ProcessBuilder kubectlProcess(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
    return pb;
  }

  /** {@code kubectl get pod NAME --no-headers}, blanks collapsed: "name 1/1 Running 0 5s". */
  String row(String name) {
    try {
      String out = kubectl("get", "pod", name, "--no-headers");
      return String.join(" ", out.trim().split("\\s+"));
    } catch (Exception e) {
      return "";
    }
  }

  JsonNode pod(String name) throws Exception {
    return JSON.readTree(kubectl("get", "pod", name, "-o", "json"));
  }

  /** The status of container {@code index} of the pod (or a missing node). */
  JsonNode containerStatus(String pod, int index) {
    try {
      return pod(pod).path("status").path("containerStatuses").path(index);
    } catch (Exception e) {
      return JSON.missingNode();
    }
  }

  int restarts(String name) {
    return containerStatus(name, 0).path("restartCount").asInt(0);
  }

  /** A container's log file as the process runtime writes it under the node's state directory. */
  Path logFile(String pod, String container, int attempt) throws Exception {
    String uid = pod(pod).path("metadata").path("uid").asText();
    return dir.resolve(
        "data/node/pods/default_"
            + pod
            + "_"
            + uid
            + "/logs/"
            + container
            + "/"
            + attempt
            + ".log");
  }

  // ---- the host ----

  /** How many processes have exactly this command line (the pods' marker commands). */
  static int processes(String commandLine) throws Exception {
    Process p = new ProcessBuilder("pgrep", "-c", "-x", "-f", commandLine).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return out.isEmpty() ? 0 : Integer.parseInt(out);
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    io.akkube.cluster.e2e.Await.until(timeout, what, condition);
  }

  /** Like {@link #await} for conditions that call kubectl (and so may throw). */
  interface Check {
    boolean holds() throws Exception;
  }

  static void eventually(Duration timeout, String what, Check check) throws InterruptedException {
    io.akkube.cluster.e2e.Await.eventually(timeout, what, check::holds);
  }
}
