package io.akkube.cluster.node;

import static io.akkube.cluster.node.Akkube.eventually;
import static io.akkube.cluster.node.Akkube.processes;
import static io.akkube.cluster.node.Akkube.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pod lifecycle as the kubelet runs it, with real processes and the real kubectl: memory limits
 * and OOMKilled, init containers and emptyDir, OnFailure, hooks, httpGet/tcpSocket/startup probes,
 * activeDeadlineSeconds, force deletion, port reservation, volume refresh, and an agent killed with
 * SIGKILL that adopts its pods when it comes back. Marker commands ({@code sleep 70NN}) let the
 * tests count the pods' processes on the host.
 */
class PodLifecycleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = "lifecycle-node";
  private static Akkube akkube;

  @BeforeAll
  static void startAkkube() throws Exception {
    akkube = Akkube.start("lifecycle-it", NODE, Map.of("AKKUBE_NODE_VOLUME_REFRESH", "1s"));
  }

  @AfterAll
  static void stopAkkube() throws Exception {
    if (akkube != null) {
      akkube.close();
    }
  }

  @Test
  void memoryOverTheLimitIsOOMKilledThenCrashLoopBackOff() throws Exception {
    assumeThat(Path.of("/sys/fs/cgroup/memory")).as("cgroup v1 memory").isDirectory();
    for (String[] p : new String[][] {{"oom", "Always"}, {"oom-once", "Never"}}) {
      akkube.apply(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: %s
            restartPolicy: %s
            containers:
            - name: hog
              image: busybox
              command: [sh, -c, 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); sleep 100']
              resources: {limits: {memory: 64Mi}}
          """
              .formatted(p[0], NODE, p[1]));
    }
    eventually(
        Duration.ofSeconds(60), "OOMKilled", () -> akkube.row("oom-once").contains(" OOMKilled "));
    eventually(
        Duration.ofSeconds(60),
        "CrashLoopBackOff",
        () -> akkube.row("oom").contains(" CrashLoopBackOff "));
    System.out.println(akkube.kubectl("get", "pods", "oom", "oom-once"));
    JsonNode last = akkube.containerStatus("oom", 0).path("lastState").path("terminated");
    assertThat(last.path("reason").asText()).isEqualTo("OOMKilled");
    assertThat(last.path("exitCode").asInt()).isEqualTo(137);
    assertThat(akkube.pod("oom-once").path("status").path("phase").asText()).isEqualTo("Failed");
  }

  @Test
  void initContainerFillsAnEmptyDirThatTheAppReadsAndAFailingOneBlocksTheApp() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: init-fills}
        spec:
          nodeName: %s
          volumes: [{name: work, emptyDir: {}}]
          initContainers:
          - name: fill
            image: busybox
            command: [sh, -c, 'sleep 2; echo hello from init > /scratch/greeting']
            volumeMounts: [{name: work, mountPath: /scratch}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'cat /data/greeting; exec sleep 7011']
            volumeMounts: [{name: work, mountPath: /data}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: init-fails}
        spec:
          nodeName: %s
          initContainers:
          - name: check
            image: busybox
            command: [sh, -c, 'echo not ready; exit 1']
          containers:
          - name: app
            image: busybox
            command: [sleep, '7012']
        """
            .formatted(NODE, NODE));
    eventually(
        Duration.ofSeconds(20), "Init:0/1", () -> akkube.row("init-fills").contains(" Init:0/1 "));
    eventually(
        Duration.ofSeconds(30),
        "running",
        () -> akkube.row("init-fills").startsWith("init-fills 1/1 Running 0"));
    eventually(
        Duration.ofSeconds(10),
        "the app printed the init container's file",
        () -> read(akkube.logFile("init-fills", "app", 0)).contains("hello from init"));
    eventually(
        Duration.ofSeconds(30),
        "Init:CrashLoopBackOff",
        () -> akkube.row("init-fails").contains(" Init:CrashLoopBackOff "));
    System.out.println(akkube.kubectl("get", "pods", "init-fills", "init-fails"));
    JsonNode failing = akkube.pod("init-fails").path("status");
    assertThat(failing.path("initContainerStatuses").get(0).path("restartCount").asInt())
        .isPositive();
    assertThat(failing.path("containerStatuses").get(0).path("state").path("waiting"))
        .hasToString("{\"reason\":\"PodInitializing\"}");
    assertThat(processes("sleep 7012")).isZero();
    assertThat(processes("sleep 7011")).isEqualTo(1);
  }

  @Test
  void onFailureRestartsOnlyTheFailingContainer() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: on-failure}
        spec:
          nodeName: %s
          restartPolicy: OnFailure
          containers:
          - name: done
            image: busybox
            command: [sh, -c, 'exit 0']
          - name: flaky
            image: busybox
            command: [sh, -c, 'sleep 1; exit 1']
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(60),
        "flaky restarted twice",
        () -> akkube.containerStatus("on-failure", 1).path("restartCount").asInt() >= 2);
    System.out.println(akkube.kubectl("get", "pod", "on-failure"));
    JsonNode done = akkube.containerStatus("on-failure", 0);
    assertThat(done.path("restartCount").asInt()).isZero();
    assertThat(done.path("state").path("terminated").path("reason").asText())
        .isEqualTo("Completed");
    assertThat(akkube.pod("on-failure").path("status").path("phase").asText()).isEqualTo("Running");
  }

  @Test
  void forceDeletionRemovesThePodAtOnceAndStillKillsItsProcesses() throws Exception {
    Path trace = Files.createDirectories(akkube.dir.resolve("force-trace"));
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: forced}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 60
          volumes: [{name: trace, hostPath: {path: %s}}]
          containers:
          - name: app
            image: busybox
            command: [sleep, '7021']
            volumeMounts: [{name: trace, mountPath: /trace}]
            lifecycle:
              preStop:
                exec: {command: [sh, -c, 'echo prestop > /trace/log; sleep 30']}
        """
            .formatted(NODE, trace));
    eventually(
        Duration.ofSeconds(30),
        "running",
        () -> akkube.row("forced").startsWith("forced 1/1 Running"));
    assertThat(processes("sleep 7021")).isEqualTo(1);
    long start = System.nanoTime();
    String out = akkube.kubectl("delete", "pod", "forced", "--force", "--grace-period=0");
    System.out.println(out);
    assertThat(out).contains("pod \"forced\" force deleted");
    assertThat(akkube.kubectl("get", "pods")).doesNotContain("forced");
    eventually(Duration.ofSeconds(10), "processes killed", () -> processes("sleep 7021") == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(trace.resolve("log")).doesNotExist();
  }

  @Test
  void postStartWritesAFileTheMainContainerPrints() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: post-start}
        spec:
          nodeName: %s
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'until [ -e /tmp/hook ]; do sleep 0.1; done; cat /tmp/hook; exec sleep 7031']
            lifecycle:
              postStart:
                exec: {command: [sh, -c, 'echo written by postStart > /tmp/hook']}
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(30),
        "running",
        () -> akkube.row("post-start").startsWith("post-start 1/1 Running 0"));
    eventually(
        Duration.ofSeconds(30),
        "printed",
        () -> akkube.kubectl("logs", "post-start").contains("written by postStart"));
  }

  @Test
  void httpGetAndTcpSocketProbesUseNamedPortsAndHeadersAndPortsAreReserved() throws Exception {
    assumeThat(Path.of("/usr/bin/python3")).as("python3 serves the probes").exists();
    int good = freePort();
    int bad = freePort();
    String server =
        """
        import http.server as h, sys
        class H(h.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.headers.get("X-Probe") == "akkube" else 500)
                self.end_headers()
            def log_message(self, *args):
                pass
        h.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
        """;
    for (Object[] p : new Object[][] {{"probed", good, "akkube"}, {"misprobed", bad, "other"}}) {
      akkube.apply(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: %s}
          spec:
            nodeName: %s
            containers:
            - name: web
              image: python
              command: [python3, -c, %s, '%s']
              ports: [{name: http, containerPort: %s}]
              readinessProbe:
                httpGet: {port: http, path: /healthz, httpHeaders: [{name: X-Probe, value: %s}]}
                periodSeconds: 1
              livenessProbe:
                tcpSocket: {port: http}
                initialDelaySeconds: 2
                periodSeconds: 1
          """
              .formatted(p[0], NODE, JSON.writeValueAsString(server), p[1], p[1], p[2]));
    }
    eventually(
        Duration.ofSeconds(30),
        "ready with the header",
        () -> akkube.row("probed").startsWith("probed 1/1 Running 0"));
    eventually(
        Duration.ofSeconds(30),
        "a 500 answer",
        () ->
            akkube
                .kubectl("get", "events", "--field-selector", "involvedObject.name=misprobed")
                .contains("Readiness probe failed: HTTP probe failed with statuscode: 500"));
    assertThat(akkube.row("misprobed")).startsWith("misprobed 0/1 Running 0");

    // the same port again: the kubelet's admission turns the pod away
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: port-clash}
        spec:
          nodeName: %s
          containers:
          - name: web
            image: busybox
            command: [sleep, '7041']
            ports: [{containerPort: %d}]
        """
            .formatted(NODE, good));
    eventually(
        Duration.ofSeconds(20),
        "rejected",
        () -> akkube.row("port-clash").startsWith("port-clash 0/1 NodePorts 0"));
    JsonNode status = akkube.pod("port-clash").path("status");
    System.out.println(akkube.kubectl("get", "pods", "probed", "misprobed", "port-clash"));
    assertThat(status.path("phase").asText()).isEqualTo("Failed");
    assertThat(status.path("message").asText())
        .isEqualTo(
            "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the"
                + " requested pod ports");
    assertThat(processes("sleep 7041")).isZero();
    assertThat(akkube.restarts("probed")).isZero();
  }

  @Test
  void startupProbeHoldsBackLivenessAndReadinessAndProbeOutputIsReported() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: slow-start}
        spec:
          nodeName: %s
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'sleep 4; touch /tmp/started; exec sleep 7051']
            startupProbe:
              exec: {command: [test, -e, /tmp/started]}
              periodSeconds: 1
              failureThreshold: 30
            livenessProbe:
              exec: {command: [test, -e, /tmp/started]}
              periodSeconds: 1
              failureThreshold: 1
            readinessProbe:
              exec: {command: [cat, /tmp/never]}
              periodSeconds: 1
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(20),
        "running, not started",
        () -> akkube.row("slow-start").startsWith("slow-start 0/1 Running 0"));
    assertThat(akkube.containerStatus("slow-start", 0).path("started").asBoolean()).isFalse();
    eventually(
        Duration.ofSeconds(30),
        "started",
        () -> akkube.containerStatus("slow-start", 0).path("started").asBoolean());
    eventually(
        Duration.ofSeconds(10),
        "readiness output in the event",
        () ->
            akkube
                .kubectl("get", "events", "--field-selector", "involvedObject.name=slow-start")
                .contains("Readiness probe failed: cat: /tmp/never: No such file or directory"));
    String events =
        akkube.kubectl(
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=slow-start",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}");
    for (String name : events.trim().split("\n")) {
      assertThat(name).matches("slow-start\\.[0-9a-f]{16}");
    }
    assertThat(akkube.restarts("slow-start")).isZero();
    assertThat(akkube.row("slow-start")).startsWith("slow-start 0/1 Running 0");
  }

  @Test
  void activeDeadlineSecondsFailsThePodWithDeadlineExceeded() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: deadline}
        spec:
          nodeName: %s
          activeDeadlineSeconds: 3
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: [sleep, '7061']
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(30),
        "DeadlineExceeded",
        () ->
            akkube
                .pod("deadline")
                .path("status")
                .path("reason")
                .asText()
                .equals("DeadlineExceeded"));
    JsonNode status = akkube.pod("deadline").path("status");
    assertThat(status.path("phase").asText()).isEqualTo("Failed");
    assertThat(status.path("message").asText())
        .isEqualTo("Pod was active on the node longer than the specified deadline");
    assertThat(akkube.kubectl("get", "events", "--field-selector", "involvedObject.name=deadline"))
        .contains("DeadlineExceeded");
    // kubectl's STATUS column shows the killed container's reason over the pod's, as it does
    // with the kubelet
    eventually(
        Duration.ofSeconds(10),
        "container ended",
        () -> akkube.row("deadline").startsWith("deadline 0/1 Error 0"));
    eventually(Duration.ofSeconds(10), "killed", () -> processes("sleep 7061") == 0);
  }

  @Test
  void configMapVolumeFilesFollowTheConfigMap() throws Exception {
    String configMap =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: greeting}
        data: {text: %s}
        """;
    akkube.apply(configMap.formatted("hello"));
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: cm-volume}
        spec:
          nodeName: %s
          volumes: [{name: cfg, configMap: {name: greeting}}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'while true; do cat /etc/cfg/text; echo; sleep 0.5; done']
            volumeMounts: [{name: cfg, mountPath: /etc/cfg, readOnly: true}]
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(30),
        "hello",
        () -> read(akkube.logFile("cm-volume", "app", 0)).contains("hello"));
    akkube.apply(configMap.formatted("goodbye"));
    eventually(
        Duration.ofSeconds(20),
        "goodbye",
        () -> read(akkube.logFile("cm-volume", "app", 0)).contains("goodbye"));
    assertThat(akkube.restarts("cm-volume")).isZero();
  }

  @Test
  void anAgentKilledWithSigkillAdoptsItsPodsWhenItComesBack() throws Exception {
    try (Akkube own = Akkube.start("restart-it", "restart-node", Map.of())) {
      Path trace = Files.createDirectories(own.dir.resolve("trace"));
      own.apply(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: steady}
          spec:
            nodeName: restart-node
            volumes: [{name: trace, hostPath: {path: %s}}]
            containers:
            - name: app
              image: busybox
              command: [sh, -c, 'echo start >> /trace/starts; exec sleep 7071']
              volumeMounts: [{name: trace, mountPath: /trace}]
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: ends-while-down}
          spec:
            nodeName: restart-node
            restartPolicy: Never
            volumes: [{name: trace, hostPath: {path: %s}}]
            containers:
            - name: app
              image: busybox
              command: [sh, -c, 'while [ ! -e /trace/exit-now ]; do sleep 0.2; done; exit 3']
              volumeMounts: [{name: trace, mountPath: /trace}]
          """
              .formatted(trace, trace));
      eventually(
          Duration.ofSeconds(30),
          "both running",
          () ->
              own.row("steady").startsWith("steady 1/1 Running 0")
                  && own.row("ends-while-down").startsWith("ends-while-down 1/1 Running 0"));
      String startedAt =
          own.containerStatus("steady", 0).path("state").path("running").path("startedAt").asText();

      own.kill9();
      Files.writeString(trace.resolve("exit-now"), "");
      assertThat(processes("sleep 7071")).as("pods outlive the agent").isEqualTo(1);
      own.start();

      eventually(
          Duration.ofSeconds(30),
          "the exit seen",
          () -> own.row("ends-while-down").startsWith("ends-while-down 0/1 Error 0"));
      System.out.println(own.kubectl("get", "pods"));
      JsonNode steady = own.containerStatus("steady", 0);
      assertThat(own.row("steady")).startsWith("steady 1/1 Running 0");
      assertThat(steady.path("state").path("running").path("startedAt").asText())
          .isEqualTo(startedAt);
      assertThat(read(trace.resolve("starts"))).isEqualTo("start\n");
      assertThat(processes("sleep 7071")).as("no duplicate").isEqualTo(1);
      assertThat(
              own.containerStatus("ends-while-down", 0)
                  .path("state")
                  .path("terminated")
                  .path("exitCode")
                  .asInt())
          .isEqualTo(3);

      own.kubectl("delete", "pod", "steady", "--grace-period=1");
      eventually(Duration.ofSeconds(20), "no orphan", () -> processes("sleep 7071") == 0);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
