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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pods really run: the packaged akkube (node agent + process runtime, short back-off) driven by the
 * real kubectl. The e2e harness classes are package-private to their package, so this test has its
 * own few lines of process handling.
 */
class NodeAgentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = "it-node";
  private static Path dataDir;
  private static Process server;

  @BeforeAll
  static void startAkkube() throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target"));
    // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
    dataDir = Files.createTempDirectory(build.toAbsolutePath(), "node-it-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-cp",
                build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*",
                "io.akkube.cluster.Main",
                "up",
                "--data-dir",
                dataDir.resolve("data").toString(),
                "--bind",
                "127.0.0.1",
                "--api-port",
                Integer.toString(port),
                "--node-name",
                NODE)
            .redirectOutput(dataDir.resolve("stdout.log").toFile())
            .redirectError(dataDir.resolve("stderr.log").toFile());
    pb.environment().put("AKKUBE_NODE_BACKOFF_INITIAL", "2s");
    pb.environment().put("AKKUBE_NODE_BACKOFF_MAX", "8s");
    server = pb.start();
    await(
        Duration.ofSeconds(120),
        "akkube ready",
        () -> read(dataDir.resolve("stdout.log")).contains("akkube is ready") || !server.isAlive());
    assertThat(server.isAlive()).as(read(dataDir.resolve("stderr.log"))).isTrue();
  }

  @AfterAll
  static void stopAkkube() throws Exception {
    if (server != null) {
      kubectl("delete", "pods", "--all", "--force", "--grace-period=0");
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void livenessFailuresRestartTheContainerWithGrowingBackOffAndPodsHavePrivateTmp()
      throws Exception {
    for (String name : List.of("liveness-a", "liveness-b")) {
      apply(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: %s
            terminationGracePeriodSeconds: 1
            containers:
            - name: liveness
              image: registry.k8s.io/busybox
              command: [sh, -c, 'touch /tmp/healthy; touch /tmp/%s; sleep 3; rm -f /tmp/healthy; sleep 600']
              livenessProbe:
                exec: {command: [test, -e, /tmp/healthy]}
                initialDelaySeconds: 1
                periodSeconds: 1
                failureThreshold: 2
          """
              .formatted(name, NODE, name));
    }
    await(Duration.ofSeconds(90), "3 restarts", () -> restarts("liveness-a") >= 3);
    String table = kubectl("get", "pods", "liveness-a", "liveness-b");
    System.out.println(table);
    assertThat(restarts("liveness-b")).isGreaterThanOrEqualTo(2);
    String events = kubectl("get", "events", "--field-selector", "involvedObject.name=liveness-a");
    assertThat(events)
        .contains("Liveness probe failed")
        .contains("Back-off restarting failed container liveness in pod liveness-a_default(");
    // each pod wrote its marker into its own private /tmp, not the host's (nor the other pod's)
    assertThat(Path.of("/tmp/liveness-a")).doesNotExist();
    assertThat(Path.of("/tmp/liveness-b")).doesNotExist();
    JsonNode cs = pod("liveness-a").path("status").path("containerStatuses").get(0);
    assertThat(cs.path("lastState").path("terminated").path("exitCode").asInt()).isIn(137, 143);
  }

  @Test
  void readinessGatesReadyWithoutRestarts() throws Exception {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readiness}
        spec:
          nodeName: %s
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'sleep 3; touch /tmp/ready; sleep 600']
            readinessProbe:
              exec: {command: [cat, /tmp/ready]}
              periodSeconds: 1
        """
            .formatted(NODE));
    await(
        Duration.ofSeconds(30),
        "running 0/1",
        () -> row("readiness").startsWith("readiness 0/1 Running"));
    await(
        Duration.ofSeconds(30),
        "1/1",
        () -> row("readiness").startsWith("readiness 1/1 Running 0"));
  }

  @Test
  void restartPolicyNeverShowsCompletedAndError() throws Exception {
    for (String[] p : List.of(new String[] {"ok", "0"}, new String[] {"fails", "3"})) {
      apply(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: %s
            restartPolicy: Never
            containers:
            - name: c
              image: busybox
              command: [sh, -c, 'exit %s']
          """
              .formatted(p[0], NODE, p[1]));
    }
    await(Duration.ofSeconds(30), "Completed", () -> row("ok").startsWith("ok 0/1 Completed 0"));
    await(Duration.ofSeconds(30), "Error", () -> row("fails").startsWith("fails 0/1 Error 0"));
    JsonNode term =
        pod("fails")
            .path("status")
            .path("containerStatuses")
            .get(0)
            .path("state")
            .path("terminated");
    assertThat(term.path("exitCode").asInt()).isEqualTo(3);
    assertThat(pod("fails").path("status").path("phase").asText()).isEqualTo("Failed");
  }

  @Test
  void deleteRunsPreStopThenSigterm() throws Exception {
    Path trace = Files.createDirectories(dataDir.resolve("trace"));
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: graceful}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 10
          volumes:
          - {name: trace, hostPath: {path: %s}}
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'trap "echo term >> /trace/log; exit 0" TERM; while true; do sleep 0.2; done']
            volumeMounts: [{name: trace, mountPath: /trace}]
            lifecycle:
              preStop:
                exec: {command: [sh, -c, 'echo prestop >> /trace/log']}
        """
            .formatted(NODE, trace));
    await(
        Duration.ofSeconds(30),
        "running",
        () -> row("graceful").startsWith("graceful 1/1 Running"));
    kubectl("delete", "pod", "graceful", "--wait=true");
    await(Duration.ofSeconds(20), "term traced", () -> read(trace.resolve("log")).contains("term"));
    assertThat(read(trace.resolve("log"))).isEqualTo("prestop\nterm\n");
    assertThat(kubectl("get", "pods")).doesNotContain("graceful");
  }

  @Test
  void configMapKeysBecomeEnvironmentVariables() throws Exception {
    apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: special-config}
        data: {log_level: info, data_dir: /var/data}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: env-printer}
        spec:
          nodeName: %s
          restartPolicy: Never
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'echo APPLOGLEVEL=$APPLOGLEVEL; echo APPDATADIR=$(APPDATADIR)']
            env:
            - {name: APPLOGLEVEL, valueFrom: {configMapKeyRef: {name: special-config, key: log_level}}}
            - {name: APPDATADIR, valueFrom: {configMapKeyRef: {name: special-config, key: data_dir}}}
        """
            .formatted(NODE));
    await(
        Duration.ofSeconds(30),
        "Completed",
        () -> row("env-printer").startsWith("env-printer 0/1 Completed"));
    String uid = pod("env-printer").path("metadata").path("uid").asText();
    Path log = dataDir.resolve("data/node/pods/default_env-printer_" + uid + "/logs/app/0.log");
    // CRI log records (time, stream, tag, content) since logs carry timestamps; see ContainerLogFormat
    assertThat(io.akkube.node.runtime.ContainerLogFormat.printed(Files.readAllBytes(log)))
        .isEqualTo("APPLOGLEVEL=info\nAPPDATADIR=/var/data\n");
  }

  // ---- helpers ----

  private static int restarts(String name) {
    try {
      JsonNode cs = pod(name).path("status").path("containerStatuses");
      return cs.isEmpty() ? 0 : cs.get(0).path("restartCount").asInt();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String row(String name) {
    try {
      String out = kubectl("get", "pod", name, "--no-headers");
      return String.join(" ", out.trim().split("\\s+"));
    } catch (Exception e) {
      return "";
    }
  }

  private static JsonNode pod(String name) throws Exception {
    return JSON.readTree(kubectl("get", "pod", name, "-o", "json"));
  }

  private static void apply(String yaml) throws Exception {
    Process p = kubectlProcess("apply", "-f", "-").start();
    p.getOutputStream().write(yaml.getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out + new String(p.getErrorStream().readAllBytes())).isZero();
  }

  private static String kubectl(String... args) throws Exception {
    Process p = kubectlProcess(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static ProcessBuilder kubectlProcess(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KUBECONFIG", dataDir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dataDir.resolve("kube-cache").toString());
    return pb;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(250);
    }
  }
}
