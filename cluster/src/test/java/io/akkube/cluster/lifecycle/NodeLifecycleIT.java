package io.akkube.cluster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node lifecycle end to end in embedded mode: the packaged launcher with three hollow nodes and
 * a grace period of a few seconds; one hollow node stops heartbeating (config {@code
 * akkube.hollow.silent-nodes-file}), goes NotReady with the unreachable taints, its pods are
 * evicted after their tolerationSeconds and replaced on another node; when it heartbeats again it
 * is Ready and untainted, and the deployment still has exactly its replicas.
 */
class NodeLifecycleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "lifecycle-it";

  private Path dir;
  private Process akkube;
  private boolean failed = true;

  @AfterEach
  void stop() throws IOException, InterruptedException {
    if (akkube != null) {
      akkube.descendants().forEach(ProcessHandle::destroyForcibly);
      akkube.destroyForcibly();
      akkube.waitFor(30, TimeUnit.SECONDS);
    }
    if (failed) {
      System.err.println(
          "kept " + dir + "; akkube stderr ends with:\n" + tail(dir.resolve("stderr.log")));
    } else {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aSilentNodeGoesNotReadyItsPodsMoveAndItComesBackReady() throws Exception {
    dir = Files.createTempDirectory("akkube-lifecycle-");
    Path silent = dir.resolve("silent-nodes");
    Files.writeString(silent, "");
    start(silent);

    ok("label", "node", "hollow-node-0", "lifecycle-it=yes");
    apply(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: "
            + NS
            + "}\n---\n"
            + "apiVersion: apps/v1\nkind: Deployment\n"
            + "metadata: {name: web, namespace: "
            + NS
            + "}\n"
            + "spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n"
            + "  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
            + "      nodeSelector: {lifecycle-it: \"yes\"}\n"
            + "      tolerations:\n"
            + "      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute,"
            + " tolerationSeconds: 2}\n"
            + "      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,"
            + " tolerationSeconds: 2}\n"
            + "      containers: [{name: c, image: busybox, command: [sleep, \"3600\"]}]\n");
    await(
        Duration.ofSeconds(120),
        "3 pods running on hollow-node-0",
        () -> runningOn("hollow-node-0") == 3);

    ok("label", "node", "hollow-node-1", "lifecycle-it=yes");
    Files.writeString(silent, "hollow-node-0\n");

    await(
        Duration.ofSeconds(60),
        "hollow-node-0 NotReady with the unreachable taints",
        () -> {
          JsonNode node = json("get", "node", "hollow-node-0");
          return readyStatus(node).equals("Unknown")
              && taint(node, "NoExecute")
              && taint(node, "NoSchedule");
        });
    JsonNode lost = json("get", "node", "hollow-node-0");
    JsonNode ready = condition(lost, "Ready");
    assertThat(ready.path("reason").asText()).isEqualTo("NodeStatusUnknown");
    assertThat(ready.path("message").asText()).isEqualTo("Kubelet stopped posting node status.");
    assertThat(ok("get", "nodes", "hollow-node-0", "--no-headers")).contains("NotReady");

    await(
        Duration.ofSeconds(90),
        "3 replacement pods running on hollow-node-1",
        () -> runningOn("hollow-node-1") == 3);

    Files.writeString(silent, "");
    await(
        Duration.ofSeconds(60),
        "hollow-node-0 Ready again, untainted",
        () -> {
          JsonNode node = json("get", "node", "hollow-node-0");
          return readyStatus(node).equals("True") && !node.path("spec").has("taints");
        });
    assertThat(ok("get", "nodes", "hollow-node-0", "--no-headers")).doesNotContain("NotReady");
    // no slot runs twice: the evicted pods are gone, exactly the 3 replacements remain
    await(
        Duration.ofSeconds(60),
        "exactly 3 pods of the deployment",
        () -> json("get", "pods", "-n", NS).path("items").size() == 3);
    assertThat(runningOn("hollow-node-1")).isEqualTo(3);
    failed = false;
  }

  private void start(Path silent) throws Exception {
    String build = System.getProperty("akkube.buildDirectory", "target");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-cp",
            build + "/akkube-cluster.jar:" + build + "/lib/*",
            "io.akkube.cluster.Main",
            "up",
            "--data-dir",
            dir.resolve("data").toString(),
            "--api-port",
            Integer.toString(freePort()),
            "--node-name",
            "lifecycle-local",
            "--hollow-nodes",
            "3");
    ProcessBuilder b =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("stderr.log").toFile())
            .redirectOutput(dir.resolve("stdout.log").toFile());
    b.environment().put("AKKUBE_NODE_LIFECYCLE_HEARTBEAT_INTERVAL", "1s");
    b.environment().put("AKKUBE_NODE_LIFECYCLE_GRACE_PERIOD", "4s");
    b.environment().put("AKKUBE_NODE_LIFECYCLE_MONITOR_PERIOD", "500ms");
    b.environment().put("AKKUBE_HOLLOW_SILENT_NODES_FILE", silent.toString());
    akkube = b.start();
    await(
        Duration.ofSeconds(180),
        "akkube ready",
        () -> {
          assertThat(akkube.isAlive()).as("akkube is running").isTrue();
          return tail(dir.resolve("stdout.log")).contains("akkube is ready");
        });
    await(
        Duration.ofSeconds(120),
        "4 nodes",
        () -> ok("get", "nodes", "--no-headers").lines().count() >= 4);
  }

  private int runningOn(String node) {
    int n = 0;
    for (JsonNode pod : json("get", "pods", "-n", NS).path("items")) {
      if (node.equals(pod.path("spec").path("nodeName").asText())
          && pod.path("status").path("phase").asText().equals("Running")
          && !pod.path("metadata").has("deletionTimestamp")) {
        n++;
      }
    }
    return n;
  }

  private static String readyStatus(JsonNode node) {
    JsonNode c = condition(node, "Ready");
    return c == null ? "" : c.path("status").asText();
  }

  private static JsonNode condition(JsonNode node, String type) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private static boolean taint(JsonNode node, String effect) {
    for (JsonNode t : node.path("spec").path("taints")) {
      if (t.path("key").asText().equals("node.kubernetes.io/unreachable")
          && t.path("effect").asText().equals(effect)) {
        return true;
      }
    }
    return false;
  }

  private JsonNode json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    try {
      return JSON.readTree(ok(all.toArray(String[]::new)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void apply(String manifest) {
    kubectl(manifest, "apply", "-f", "-");
  }

  private String ok(String... args) {
    return kubectl(null, args);
  }

  private String kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "kubectl", ".out");
      Path err = Files.createTempFile(dir, "kubectl", ".err");
      ProcessBuilder b =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      b.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
      b.environment().put("KUBECACHEDIR", dir.resolve("kubectl-cache").toString());
      Process p = b.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 90 s");
      }
      String stdout = Files.readString(out);
      String stderr = Files.readString(err);
      Files.delete(out);
      Files.delete(err);
      if (p.exitValue() != 0) {
        throw new AssertionError(command + " → exit " + p.exitValue() + ": " + stderr);
      }
      return stdout;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls until {@code condition} holds; a failing kubectl counts as "not yet". */
  private static void await(Duration timeout, String what, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(
        timeout, what, AssertionError.class::isInstance, condition::getAsBoolean);
  }
}
