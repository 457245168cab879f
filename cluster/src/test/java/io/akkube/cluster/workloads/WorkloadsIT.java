package io.akkube.cluster.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5's acceptance: Deployments, ReplicaSets and the garbage collector driven by the real
 * kubectl against the packaged akkube, whose node agent runs the pods as real {@code sleep}
 * processes and whose scheduler binds them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsIT {

  private static Akkube akkube;

  @BeforeAll
  static void start() {
    akkube = new Akkube();
  }

  @AfterAll
  static void stop() throws Exception {
    if (akkube != null) {
      akkube.close();
    }
  }

  /** A Deployment of {@code sleep} pods; VERSION in the env makes a new template. */
  static String deployment(
      String name,
      int replicas,
      String strategy,
      String version,
      String readyCommand,
      String extra) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
        spec:
          replicas: %2$d
          %6$s
          strategy: %3$s
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sleep", "3600"]
                env: [{name: VERSION, value: "%4$s"}]
                # a probe that times out on a loaded machine would make a pod unready, which the
                # availability the rolling-update test samples must not count against the controller
                readinessProbe:
                  exec: {command: ["%5$s"]}
                  periodSeconds: 1
                  timeoutSeconds: 10
        """
        .formatted(name, replicas, strategy, version, readyCommand, extra);
  }

  private static String ns(String name) {
    akkube.ok("create", "namespace", name);
    return name;
  }

  private static JsonNode pods(String namespace, String app) {
    return akkube
        .json("get", "pods", "-n", namespace, "-l", "app=" + app, "-o", "json")
        .path("items");
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  private static boolean terminating(JsonNode pod) {
    return pod.path("metadata").has("deletionTimestamp");
  }

  private static void awaitRolledOut(String namespace, String name) {
    akkube.ok("rollout", "status", "-n", namespace, "deployment/" + name, "--timeout=120s");
  }

  /** Samples the pods of an app continuously until closed. */
  static final class Sampler implements AutoCloseable {
    final AtomicInteger maxPods = new AtomicInteger();
    final AtomicInteger minAvailable = new AtomicInteger(Integer.MAX_VALUE);
    final AtomicInteger samples = new AtomicInteger();
    final AtomicBoolean overlap = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Sampler(String namespace, String app) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  JsonNode items = pods(namespace, app);
                  int live = 0;
                  int available = 0;
                  Set<String> hashes = new HashSet<>();
                  for (JsonNode pod : items) {
                    hashes.add(
                        pod.path("metadata").path("labels").path("pod-template-hash").asText());
                    if (!terminating(pod)) {
                      live++;
                      if (ready(pod)) {
                        available++;
                      }
                    }
                  }
                  maxPods.accumulateAndGet(live, Math::max);
                  minAvailable.accumulateAndGet(available, Math::min);
                  if (hashes.size() > 1) {
                    overlap.set(true);
                  }
                  samples.incrementAndGet();
                }
              },
              "pod-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }

  @Test
  @Order(1)
  void deletingAPodOfADeploymentGetsAReplacementWithinTwoSeconds() {
    String n = ns("replace");
    akkube.apply(n, deployment("web", 3, "{type: RollingUpdate}", "1", "true", ""));
    awaitRolledOut(n, "web");
    JsonNode victim = pods(n, "web").get(0);
    String uid = victim.path("metadata").path("uid").asText();
    Set<String> before = new HashSet<>();
    pods(n, "web").forEach(p -> before.add(p.path("metadata").path("uid").asText()));
    long start = System.nanoTime();
    akkube.ok(
        "delete", "pod", "-n", n, victim.path("metadata").path("name").asText(), "--wait=false");
    Akkube.await(
        Duration.ofSeconds(2),
        "a replacement pod",
        () -> {
          JsonNode now = pods(n, "web");
          int live = 0;
          boolean fresh = false;
          for (JsonNode p : now) {
            String u = p.path("metadata").path("uid").asText();
            if (!terminating(p) && !u.equals(uid)) {
              live++;
              fresh |= !before.contains(u);
            }
          }
          return live == 3 && fresh;
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  @Order(2)
  void rollingUpdateStaysWithinSurgeAndUnavailabilityAndRollsBack() throws Exception {
    String n = ns("rolling");
    String strategy = "{type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}";
    akkube.apply(n, deployment("web", 10, strategy, "1", "true", ""));
    awaitRolledOut(n, "web");
    try (Sampler sampler = new Sampler(n, "web")) {
      akkube.apply(n, deployment("web", 10, strategy, "2", "true", ""));
      awaitRolledOut(n, "web");
      Akkube.await(Duration.ofSeconds(5), "samples", () -> sampler.samples.get() > 5);
      sampler.close();
      assertThat(sampler.maxPods.get()).as("pods at most").isLessThanOrEqualTo(13);
      assertThat(sampler.minAvailable.get())
          .as("available pods at least")
          .isGreaterThanOrEqualTo(8);
    }
    String history = akkube.ok("rollout", "history", "-n", n, "deployment/web");
    assertThat(history)
        .contains("REVISION")
        .containsPattern("(?m)^1\\s")
        .containsPattern("(?m)^2\\s");
    assertThat(akkube.ok("rollout", "history", "-n", n, "deployment/web", "--revision=1"))
        .contains("VERSION:\t1");

    akkube.ok("rollout", "undo", "-n", n, "deployment/web");
    awaitRolledOut(n, "web");
    assertThat(version(n)).isEqualTo("1");
    assertThat(akkube.ok("get", "rs", "-n", n, "--no-headers").lines().count()).isEqualTo(2);

    akkube.ok("rollout", "undo", "-n", n, "deployment/web", "--to-revision=2");
    awaitRolledOut(n, "web");
    assertThat(version(n)).isEqualTo("2");
    String revisions = akkube.ok("rollout", "history", "-n", n, "deployment/web");
    assertThat(revisions).containsPattern("(?m)^3\\s").containsPattern("(?m)^4\\s");
  }

  private static String version(String namespace) {
    return akkube
        .json("get", "deployment", "web", "-n", namespace, "-o", "json")
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .get(0)
        .path("env")
        .get(0)
        .path("value")
        .asText();
  }

  @Test
  @Order(3)
  void pauseThreeEditsResumeGivesOneNewReplicaSet() {
    String n = ns("paused");
    akkube.apply(n, deployment("web", 2, "{type: RollingUpdate}", "1", "true", ""));
    awaitRolledOut(n, "web");
    akkube.ok("rollout", "pause", "-n", n, "deployment/web");
    akkube.ok("set", "env", "-n", n, "deployment/web", "VERSION=2");
    akkube.ok("set", "env", "-n", n, "deployment/web", "VERSION=3");
    akkube.ok("set", "env", "-n", n, "deployment/web", "EXTRA=x");
    akkube.ok("scale", "-n", n, "deployment/web", "--replicas=3");
    Akkube.await(Duration.ofSeconds(20), "3 pods while paused", () -> pods(n, "web").size() == 3);
    assertThat(akkube.ok("get", "rs", "-n", n, "--no-headers").lines().count()).isEqualTo(1);
    akkube.ok("rollout", "resume", "-n", n, "deployment/web");
    awaitRolledOut(n, "web");
    assertThat(akkube.ok("get", "rs", "-n", n, "--no-headers").lines().count()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void aRolloutThatNeverBecomesReadyExceedsItsProgressDeadlineAndKeepsOldPods() {
    String n = ns("deadline");
    String strategy = "{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}";
    akkube.apply(n, deployment("web", 4, strategy, "1", "true", "progressDeadlineSeconds: 5"));
    awaitRolledOut(n, "web");
    akkube.apply(n, deployment("web", 4, strategy, "2", "false", "progressDeadlineSeconds: 5"));
    Akkube.await(
        Duration.ofSeconds(90),
        "Progressing=False ProgressDeadlineExceeded",
        () -> {
          for (JsonNode c :
              akkube
                  .json("get", "deployment", "web", "-n", n, "-o", "json")
                  .path("status")
                  .path("conditions")) {
            if ("Progressing".equals(c.path("type").asText())) {
              return "ProgressDeadlineExceeded".equals(c.path("reason").asText());
            }
          }
          return false;
        });
    Akkube.Result status =
        akkube.kubectl("rollout", "status", "-n", n, "deployment/web", "--timeout=10s");
    assertThat(status.exitCode()).isNotZero();
    assertThat(status.stderr()).contains("exceeded its progress deadline");
    long readyOld = 0;
    for (JsonNode p : pods(n, "web")) {
      if (ready(p) && !terminating(p)) {
        readyOld++;
      }
    }
    assertThat(readyOld).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(5)
  void recreateNeverRunsOldAndNewPodsTogether() throws Exception {
    String n = ns("recreate");
    akkube.apply(n, deployment("web", 3, "{type: Recreate}", "1", "true", ""));
    awaitRolledOut(n, "web");
    try (Sampler sampler = new Sampler(n, "web")) {
      akkube.apply(n, deployment("web", 3, "{type: Recreate}", "2", "true", ""));
      awaitRolledOut(n, "web");
      sampler.close();
      assertThat(sampler.overlap.get()).as("old and new pods seen together").isFalse();
    }
  }

  @Test
  @Order(6)
  void deletingADeploymentRemovesItsReplicaSetsAndPodsUnlessOrphaned() {
    String n = ns("cascade");
    akkube.apply(n, deployment("web", 2, "{type: RollingUpdate}", "1", "true", ""));
    awaitRolledOut(n, "web");
    akkube.ok("delete", "deployment", "web", "-n", n);
    Akkube.await(
        Duration.ofSeconds(30),
        "no replica sets and pods",
        () -> akkube.ok("get", "rs,pods", "-n", n, "-o", "name").isBlank());

    akkube.apply(n, deployment("kept", 2, "{type: RollingUpdate}", "1", "true", ""));
    awaitRolledOut(n, "kept");
    akkube.ok("delete", "deployment", "kept", "-n", n, "--cascade=orphan");
    Akkube.await(
        Duration.ofSeconds(10),
        "the deployment gone",
        () -> akkube.ok("get", "deployments", "-n", n, "-o", "name").isBlank());
    JsonNode rs = akkube.json("get", "rs", "-n", n, "-o", "json").path("items");
    assertThat(rs).hasSize(1);
    assertThat(rs.get(0).path("metadata").has("ownerReferences")).isFalse();
    assertThat(pods(n, "kept")).hasSize(2);
  }

  @Test
  @Order(7)
  void deletingANamespaceLeavesNothingBehind() {
    String n = ns("doomed");
    akkube.apply(n, deployment("web", 2, "{type: RollingUpdate}", "1", "true", ""));
    akkube.ok("create", "configmap", "settings", "-n", n, "--from-literal=a=b");
    akkube.ok("run", "bare", "-n", n, "--image=busybox", "--command", "--", "sleep", "3600");
    awaitRolledOut(n, "web");
    akkube.ok("delete", "namespace", n, "--timeout=60s");
    Akkube.Result all = akkube.kubectl("get", "all", "-n", n);
    assertThat(all.stdout()).isEmpty();
    assertThat(all.stderr().trim()).isEqualTo("No resources found in " + n + " namespace.");
  }

  @Test
  @Order(8)
  void afterKillNineTheControllersConvergeWithoutDuplicatePods() throws Exception {
    String n = ns("crash");
    akkube.apply(n, deployment("web", 5, "{type: RollingUpdate}", "1", "true", ""));
    awaitRolledOut(n, "web");
    akkube.apply(n, deployment("web", 7, "{type: RollingUpdate}", "1", "true", ""));
    akkube.kill9();
    akkube.start();
    Akkube.await(
        Duration.ofSeconds(60),
        "7 ready pods after the restart",
        () -> {
          JsonNode items = pods(n, "web");
          long live = 0;
          for (JsonNode p : items) {
            if (!terminating(p) && ready(p)) {
              live++;
            }
          }
          return live == 7;
        });
    awaitRolledOut(n, "web");
    List<JsonNode> live = new java.util.ArrayList<>();
    pods(n, "web")
        .forEach(
            p -> {
              if (!terminating(p)) {
                live.add(p);
              }
            });
    assertThat(live).hasSize(7);
    assertThat(akkube.ok("get", "rs", "-n", n, "--no-headers").lines().count()).isEqualTo(1);
  }
}
