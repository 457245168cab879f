package io.akkube.cluster.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl logs}, {@code kubectl exec} and the node's stats ({@code kubectl top}) against the
 * packaged akkube (API + node agent with the process runtime) and real pods bound to its node by
 * spec.nodeName.
 */
class PodStreamsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = "streams-node";
  private static Path dataDir;
  private static Process server;

  @BeforeAll
  static void startAkkube() throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target"));
    // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
    dataDir = Files.createTempDirectory(build.toAbsolutePath(), "streams-it-");
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
    pb.environment().put("AKKUBE_NODE_BACKOFF_INITIAL", "1s");
    pb.environment().put("AKKUBE_NODE_BACKOFF_MAX", "2s");
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
      run("kubectl", "delete", "pods", "--all", "--force", "--grace-period=0");
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void logsPrintTheLinesTailTimestampsAndFollowNewOnes() throws Exception {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: printer}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'echo one; echo two; echo three >&2; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo four; sleep 600']
        """
            .formatted(NODE));
    await(
        Duration.ofSeconds(30),
        "three lines",
        () -> run("kubectl", "logs", "printer").out().equals("one\ntwo\nthree\n"));
    assertThat(run("kubectl", "logs", "printer", "--tail=2").out()).isEqualTo("two\nthree\n");
    String stamped = run("kubectl", "logs", "printer", "--timestamps", "--tail=1").out();
    assertThat(stamped).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z three\n");
    assertThat(run("kubectl", "logs", "printer", "--since=1h").out())
        .isEqualTo("one\ntwo\nthree\n");

    Process follow = kubectl("logs", "-f", "printer").start();
    ByteArrayOutputStream followed = collect(follow.getInputStream());
    try {
      await(
          Duration.ofSeconds(20), "followed three", () -> followed.toString().contains("three\n"));
      assertThat(follow.isAlive()).isTrue();
      assertThat(run("kubectl", "exec", "printer", "--", "touch", "/tmp/go").code()).isZero();
      await(
          Duration.ofSeconds(20),
          "a line written later",
          () -> followed.toString().endsWith("four\n"));
      assertThat(follow.isAlive()).as("following until the container ends").isTrue();
    } finally {
      follow.destroy();
    }
    Result none = run("kubectl", "logs", "printer", "-p");
    assertThat(none.code()).isNotZero();
    assertThat(none.err())
        .contains("previous terminated container \"app\" in pod \"printer\" not found");
  }

  @Test
  void previousShowsTheLastTerminatedInstanceAfterARestart() throws Exception {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: restarter}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          volumes: [{name: data, emptyDir: {}}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'if [ -e /data/ran ]; then echo second run; sleep 600; else touch /data/ran; echo first run; exit 1; fi']
            volumeMounts: [{name: data, mountPath: /data}]
          - name: sidecar
            image: busybox
            command: [sleep, '600']
        """
            .formatted(NODE));
    await(
        Duration.ofSeconds(60),
        "the second instance",
        () -> run("kubectl", "logs", "restarter", "-c", "app").out().equals("second run\n"));
    assertThat(run("kubectl", "logs", "restarter", "-c", "app", "-p").out())
        .isEqualTo("first run\n");
    Result ambiguous =
        run("kubectl", "get", "--raw", "/api/v1/namespaces/default/pods/restarter/log");
    assertThat(ambiguous.err())
        .contains(
            "a container name must be specified for pod restarter, choose one of: [app sidecar]");
    assertThat(run("kubectl", "logs", "restarter", "--all-containers", "--prefix").out())
        .isEqualTo("[pod/restarter/app] second run\n");
  }

  @Test
  void execRunsInThePodAndExitsWithTheCommandsCode() throws Exception {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: shell}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: [sleep, '600']
        """
            .formatted(NODE));
    await(Duration.ofSeconds(30), "running", () -> phase("shell").equals("Running"));
    Result hostname = run("kubectl", "exec", "shell", "--", "cat", "/etc/hostname");
    assertThat(hostname.out()).isEqualTo("shell\n");
    assertThat(hostname.code()).isZero();
    Result failing =
        run("kubectl", "exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(failing.code()).isEqualTo(3);
    assertThat(failing.out()).isEqualTo("out\n");
    assertThat(failing.err()).contains("err\n").contains("command terminated with exit code 3");

    // -it needs a terminal on our side too: script(1) gives kubectl one.
    ProcessBuilder interactive =
        new ProcessBuilder(
            "script", "-qfec", "stty cols 120 rows 40; kubectl exec -it shell -- sh", "/dev/null");
    env(interactive);
    Process it = interactive.redirectErrorStream(true).start();
    ByteArrayOutputStream screen = collect(it.getInputStream());
    OutputStream keyboard = it.getOutputStream();
    keyboard.write("echo h''i; stty size\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    try {
      await(Duration.ofSeconds(20), "hi", () -> screen.toString().contains("hi\r\n40 120\r\n"));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ", terminal: " + screen, e);
    }
    keyboard.write("exit\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    assertThat(it.waitFor(20, TimeUnit.SECONDS)).as(screen.toString()).isTrue();
    assertThat(it.exitValue()).as(screen.toString()).isZero();
  }

  @Test
  void theStatsSummaryAndKubectlTopShowABusyPodsCpuAndMemory() throws Exception {
    // one container spins without limits (CPU and memory from /proc), one sleeps in a memory
    // cgroup (its memory from the cgroup when the agent may create one)
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: busy, labels: {app: busy}}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: spin
            image: busybox
            command: [sh, -c, 'while :; do :; done']
          - name: capped
            image: busybox
            command: [sleep, '600']
            resources: {limits: {memory: 64Mi}}
        """
            .formatted(NODE));
    await(Duration.ofSeconds(30), "running", () -> phase("busy").equals("Running"));
    String uid =
        JSON.readTree(run("kubectl", "get", "pod", "busy", "-o", "json").out())
            .path("metadata")
            .path("uid")
            .asText();
    String path = "/api/v1/nodes/" + NODE + "/proxy/stats/summary";
    JsonNode[] pod = new JsonNode[1];
    await(
        Duration.ofSeconds(60),
        "the spinning container's CPU in the summary",
        () -> {
          try {
            for (JsonNode p :
                JSON.readTree(run("kubectl", "get", "--raw", path).out()).path("pods")) {
              if (p.path("podRef").path("uid").asText().equals(uid)
                  && p.path("containers").size() == 2) {
                pod[0] = p;
                return container(p, "spin").path("cpu").path("usageNanoCores").asLong() > 0;
              }
            }
            return false;
          } catch (IOException e) {
            return false;
          }
        });
    assertThat(pod[0].path("podRef").path("name").asText()).isEqualTo("busy");
    assertThat(container(pod[0], "spin").path("memory").path("workingSetBytes").asLong())
        .isPositive();
    assertThat(container(pod[0], "capped").path("memory").path("workingSetBytes").asLong())
        .isPositive();
    assertThat(pod[0].path("cpu").path("usageNanoCores").asLong()).isPositive();

    Pattern spinRow = Pattern.compile("(?m)^busy\\s+spin\\s+(\\d+)m\\s+\\d+Mi\\s*$");
    await(
        Duration.ofSeconds(60),
        "kubectl top pod with the spinning container's CPU",
        () -> {
          Matcher m = spinRow.matcher(run("kubectl", "top", "pod", "busy", "--containers").out());
          return m.find() && Integer.parseInt(m.group(1)) > 0;
        });
    run("kubectl", "delete", "pod", "busy", "--grace-period=1");
  }

  private static JsonNode container(JsonNode podStats, String name) {
    for (JsonNode c : podStats.path("containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    return JSON.createObjectNode();
  }

  // ---- helpers ----

  private record Result(int code, String out, String err) {}

  private static String phase(String pod) {
    try {
      JsonNode p = JSON.readTree(run("kubectl", "get", "pod", pod, "-o", "json").out());
      return p.path("status").path("phase").asText();
    } catch (IOException e) {
      return "";
    }
  }

  private static void apply(String yaml) throws Exception {
    Process p = kubectl("apply", "-f", "-").start();
    p.getOutputStream().write(yaml.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out + err).isZero();
  }

  private static Result run(String... argv) {
    try {
      List<String> args = new ArrayList<>(List.of(argv));
      ProcessBuilder pb =
          args.get(0).equals("kubectl")
              ? kubectl(args.subList(1, args.size()).toArray(String[]::new))
              : new ProcessBuilder(args);
      Process p = pb.start();
      p.getOutputStream().close();
      ByteArrayOutputStream err = collect(p.getErrorStream());
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", e.toString());
    }
  }

  private static ProcessBuilder kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    return env(new ProcessBuilder(command));
  }

  private static ProcessBuilder env(ProcessBuilder pb) {
    pb.environment().put("KUBECONFIG", dataDir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dataDir.resolve("kube-cache").toString());
    return pb;
  }

  /** Everything {@code in} delivers, as it arrives (read on a daemon thread). */
  private static ByteArrayOutputStream collect(InputStream in) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public synchronized String toString() {
            return super.toString(StandardCharsets.UTF_8);
          }
        };
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[4096];
              try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  synchronized (out) {
                    out.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return out;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void await(Duration timeout, String what, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(timeout, what, condition);
  }
}
