package io.akkube.multijvm;

import static io.akkube.multijvm.AkkubeCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.multijvm.AkkubeCluster.Member;
import io.akkube.multijvm.AkkubeCluster.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Logs, exec and stats of a pod whose node agent runs in another JVM than the API
 * (docs/decisions/0017): Cassandra, one control-plane member (API, no agent) and one worker
 * (process runtime); the pod is bound to the worker's node and driven with kubectl through the
 * control-plane member only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterStreamsIT {

  @RegisterExtension
  static final MultiJvmExtension harness =
      new MultiJvmExtension(
          Map.of(
              "AKKUBE_NODE_RUNTIME", "process",
              "AKKUBE_NODE_BACKOFF_INITIAL", "1s",
              "AKKUBE_NODE_BACKOFF_MAX", "2s"));

  private static AkkubeCluster cluster;
  private static Member api;
  private static Member worker;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = harness.cluster();
    api = cluster.member(1, "cp-1", "control-plane");
    worker = cluster.member(2, "worker-1", "worker");
    cluster.start(api);
    cluster.awaitReady(api, Duration.ofMinutes(3));
    cluster.start(worker);
    cluster.awaitReady(worker, Duration.ofMinutes(3));
    cluster.awaitMembership(Duration.ofMinutes(2));
    // app writes three lines, a fourth once /tmp/go exists; restarter fails its first run
    cluster.apply(
        api,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: streams}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          volumes: [{name: data, emptyDir: {}}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'echo one; echo two; echo three >&2; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo four; sleep 3600']
          - name: restarter
            image: busybox
            command: [sh, -c, 'if [ -e /data/ran ]; then echo second run; sleep 3600; else touch /data/ran; echo first run; exit 1; fi']
            volumeMounts: [{name: data, mountPath: /data}]
        """
            .formatted(worker.name));
    await(
        Duration.ofMinutes(2),
        "pod streams Running with both containers ready",
        () -> {
          JsonNode pod = cluster.json(api, "get", "pod", "streams");
          return pod.path("status").path("phase").asText().equals("Running")
              && pod.path("status").path("containerStatuses").findValues("ready").stream()
                      .filter(JsonNode::asBoolean)
                      .count()
                  == 2;
        });
  }

  @Test
  @Order(1)
  void logsOfAPodOnAWorkerHonourTheirOptions() {
    await(
        Duration.ofSeconds(30),
        "the three lines",
        () -> cluster.ok(api, "logs", "streams", "-c", "app").equals("one\ntwo\nthree\n"));
    assertThat(cluster.ok(api, "logs", "streams", "-c", "app", "--tail=2"))
        .isEqualTo("two\nthree\n");
    assertThat(cluster.ok(api, "logs", "streams", "-c", "app", "--timestamps", "--tail=1"))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z three\n");
    assertThat(cluster.ok(api, "logs", "streams", "-c", "app", "--since=1h"))
        .isEqualTo("one\ntwo\nthree\n");
    assertThat(cluster.ok(api, "logs", "streams", "-c", "app", "--limit-bytes=6"))
        .isEqualTo("one\ntw");
    // -p: the instance before the restart; the agent's refusal crosses as the same Status
    assertThat(cluster.ok(api, "logs", "streams", "-c", "restarter")).isEqualTo("second run\n");
    assertThat(cluster.ok(api, "logs", "streams", "-c", "restarter", "-p"))
        .isEqualTo("first run\n");
    Result none = cluster.kubectl(api, null, "logs", "streams", "-c", "app", "-p");
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.stderr())
        .contains("previous terminated container \"app\" in pod \"streams\" not found");
  }

  @Test
  @Order(2)
  void followingALogSeesANewLineUntilTheReaderStops() throws Exception {
    Process follow = kubectl("logs", "-f", "streams", "-c", "app").start();
    ByteArrayOutputStream followed = collect(follow.getInputStream());
    try {
      await(
          Duration.ofSeconds(30),
          "the three lines",
          () -> followed.toString().equals("one\ntwo\nthree\n"));
      cluster.ok(api, "exec", "streams", "-c", "app", "--", "touch", "/tmp/go");
      await(
          Duration.ofSeconds(30),
          "the line written later",
          () -> followed.toString().equals("one\ntwo\nthree\nfour\n"));
      assertThat(follow.isAlive()).as("following while the container runs").isTrue();
    } finally {
      follow.destroy();
      assertThat(follow.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @Order(3)
  void execRunsOnTheWorkerAndExitsWithTheCommandsCode() {
    Result r =
        cluster.kubectl(
            api,
            null,
            "exec",
            "streams",
            "-c",
            "app",
            "--",
            "sh",
            "-c",
            "echo hi; echo err >&2; exit 3");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("hi\n");
    assertThat(r.stderr()).contains("err\n").contains("command terminated with exit code 3");
  }

  @Test
  @Order(3)
  void aCommandWhoseClientWentAwayIsKilledOnTheWorker() throws Exception {
    Process exec = kubectl("exec", "streams", "-c", "app", "--", "sleep", "4242").start();
    try {
      await(Duration.ofSeconds(30), "sleep 4242 running in the pod", () -> podRuns("sleep 4242"));
    } finally {
      exec.destroy();
      assertThat(exec.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    await(Duration.ofSeconds(30), "sleep 4242 killed", () -> !podRuns("sleep 4242"));
  }

  /** Whether a process of the pod's app container has exactly {@code args} as its command line. */
  private static boolean podRuns(String args) {
    return cluster
        .ok(api, "exec", "streams", "-c", "app", "--", "ps", "-eo", "args")
        .lines()
        .anyMatch(l -> l.trim().equals(args));
  }

  @Test
  @Order(4)
  void execWithStdinRunsTheScriptItReads() {
    Result r =
        cluster.kubectl(
            api, "x=42\necho got $x\nexit 4\n", "exec", "-i", "streams", "-c", "app", "--", "sh");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.stdout()).isEqualTo("got 42\n");
  }

  @Test
  @Order(5)
  void execWithATerminalHasTheClientsSize() throws Exception {
    // -it needs a terminal on our side too: script(1) gives kubectl one.
    ProcessBuilder interactive =
        env(
            new ProcessBuilder(
                "script",
                "-qfec",
                "stty cols 120 rows 40; kubectl exec -it streams -c app -- sh",
                "/dev/null"));
    Process it = interactive.redirectErrorStream(true).start();
    ByteArrayOutputStream screen = collect(it.getInputStream());
    try (OutputStream keyboard = it.getOutputStream()) {
      keyboard.write("echo h''i; stty size\n".getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      try {
        await(
            Duration.ofSeconds(30),
            "hi and the terminal's size",
            () -> screen.toString().contains("hi\r\n40 120\r\n"));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ", terminal: " + screen, e);
      }
      keyboard.write("exit 0\n".getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      assertThat(it.waitFor(30, TimeUnit.SECONDS)).as(screen.toString()).isTrue();
      assertThat(it.exitValue()).as(screen.toString()).isZero();
    } finally {
      it.destroyForcibly();
    }
  }

  @Test
  @Order(6)
  void theWorkersStatsSummaryAndKubectlTopShowThePod() throws Exception {
    String uid = cluster.json(api, "get", "pod", "streams").path("metadata").path("uid").asText();
    JsonNode summary =
        AkkubeCluster.JSON.readTree(
            cluster.ok(
                api, "get", "--raw", "/api/v1/nodes/" + worker.name + "/proxy/stats/summary"));
    assertThat(summary.path("node").path("nodeName").asText()).isEqualTo(worker.name);
    JsonNode pod = null;
    for (JsonNode p : summary.path("pods")) {
      if (p.path("podRef").path("uid").asText().equals(uid)) {
        pod = p;
      }
    }
    assertThat(pod).as(summary.toString()).isNotNull();
    assertThat(pod.path("podRef").path("name").asText()).isEqualTo("streams");
    assertThat(pod.path("containers").findValues("name").stream().map(JsonNode::asText))
        .containsExactlyInAnyOrder("app", "restarter");
    assertThat(pod.path("memory").path("workingSetBytes").asLong()).isPositive();

    await(
        Duration.ofSeconds(60),
        "kubectl top pod with both containers",
        () -> {
          String top = cluster.ok(api, "top", "pod", "streams", "--containers");
          return top.matches("(?s).*\\nstreams\\s+app\\s+\\d+m\\s+\\d+Mi\\s*\\n.*")
              && top.matches("(?s).*\\nstreams\\s+restarter\\s+\\d+m\\s+\\d+Mi\\s*\\n?.*");
        });
    assertThat(cluster.ok(api, "top", "node", worker.name))
        .containsPattern("(?m)^" + worker.name + "\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s*$");
  }

  @Test
  @Order(7)
  void aWorkerThatIsGoneIsUnavailableNotAHang() throws Exception {
    cluster.kill(worker);
    List<Duration> answeredIn = new ArrayList<>();
    await(
        Duration.ofSeconds(90),
        "logs of the pod on the killed worker to be refused as unavailable",
        () -> {
          long started = System.nanoTime();
          Result r = cluster.kubectl(api, null, "logs", "streams", "-c", "app");
          answeredIn.add(Duration.ofNanos(System.nanoTime() - started));
          return r.exitCode() != 0 && r.stderr().contains("no node agent of node " + worker.name);
        });
    // kubectl gives up after 20 s (--request-timeout): every answer came from the server before
    assertThat(answeredIn).allMatch(d -> d.compareTo(Duration.ofSeconds(19)) < 0);
    Result exec = cluster.kubectl(api, null, "exec", "streams", "-c", "app", "--", "true");
    assertThat(exec.exitCode()).isNotZero();
    assertThat(exec.stderr()).contains("no node agent of node " + worker.name);
    Result summary =
        cluster.kubectl(
            api, null, "get", "--raw", "/api/v1/nodes/" + worker.name + "/proxy/stats/summary");
    assertThat(summary.stderr()).contains("ServiceUnavailable").contains(worker.name);
  }

  // ---------------------------------------------------------------- helpers

  /** kubectl against the API member without a request timeout (it may run for long). */
  private static ProcessBuilder kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    return env(new ProcessBuilder(command));
  }

  private static ProcessBuilder env(ProcessBuilder pb) {
    pb.environment().put("KUBECONFIG", api.kubeconfig().toString());
    pb.environment()
        .put("KUBECACHEDIR", cluster.dir().resolve("kubectl-cache-" + api.name).toString());
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
}
