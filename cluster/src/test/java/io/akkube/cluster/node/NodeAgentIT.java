package io.akkube.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pods really run: the packaged akkube (node agent + process runtime, short back-off) driven by the
 * real kubectl ({@link Akkube}).
 */
class NodeAgentIT {

  private static final String NODE = "it-node";
  private static Akkube akkube;
  private static Path dataDir;

  @BeforeAll
  static void startAkkube() throws Exception {
    // ClusterIPs stay in the default 10.96.0.0/12 and may not be added to lo: the node says so
    akkube = Akkube.start("node-it", NODE, Map.of("AKKUBE_NODE_PROXY_MANAGE_LOOPBACK", "false"));
    dataDir = akkube.dir;
  }

  @AfterAll
  static void stopAkkube() throws Exception {
    if (akkube != null) {
      akkube.close();
    }
  }

  @Test
  void livenessFailuresRestartTheContainerWithGrowingBackOffAndPodsHavePrivateTmp()
      throws Exception {
    // Markers unique to this run: a file some earlier, unisolated run left must not decide it.
    String run = Long.toHexString(System.nanoTime());
    for (String name : List.of("liveness-a", "liveness-b")) {
      akkube.apply(
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
              .formatted(name, NODE, name + "-" + run));
    }
    Akkube.await(Duration.ofSeconds(90), "3 restarts", () -> akkube.restarts("liveness-a") >= 3);
    String table = akkube.kubectl("get", "pods", "liveness-a", "liveness-b");
    System.out.println(table);
    assertThat(akkube.restarts("liveness-b")).isGreaterThanOrEqualTo(2);
    String events =
        akkube.kubectl("get", "events", "--field-selector", "involvedObject.name=liveness-a");
    assertThat(events)
        .contains("Liveness probe failed")
        .contains("Back-off restarting failed container liveness in pod liveness-a_default(");
    // each pod wrote its marker into its own private /tmp, not the host's (nor the other pod's)
    assertThat(Path.of("/tmp/liveness-a-" + run)).doesNotExist();
    assertThat(Path.of("/tmp/liveness-b-" + run)).doesNotExist();
    JsonNode cs = akkube.pod("liveness-a").path("status").path("containerStatuses").get(0);
    assertThat(cs.path("lastState").path("terminated").path("exitCode").asInt()).isIn(137, 143);
  }

  @Test
  void aNodeThatMayNotMakeClusterIpsLocalSaysSoInACondition() throws Exception {
    String jsonpath =
        "jsonpath={.status.conditions[?(@.type==\"ClusterIPsRoutable\")].status}"
            + " {.status.conditions[?(@.type==\"ClusterIPsRoutable\")].message}";
    Akkube.eventually(
        Duration.ofSeconds(60),
        "condition ClusterIPsRoutable=False",
        () -> akkube.kubectl("get", "node", NODE, "-o", jsonpath).startsWith("False "));
    assertThat(akkube.kubectl("get", "node", NODE, "-o", jsonpath))
        .contains("ClusterIP 10.96.0.1 is not routable on this node");
  }

  @Test
  void readinessGatesReadyWithoutRestarts() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readiness}
        spec:
          nodeName: %s
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'sleep 15; touch /tmp/ready; sleep 600']
            readinessProbe:
              exec: {command: [cat, /tmp/ready]}
              periodSeconds: 1
        """
            .formatted(NODE));
    Akkube.await(
        Duration.ofSeconds(30),
        "running 0/1",
        () -> akkube.row("readiness").startsWith("readiness 0/1 Running"));
    Akkube.await(
        Duration.ofSeconds(30),
        "1/1",
        () -> akkube.row("readiness").startsWith("readiness 1/1 Running 0"));
  }

  @Test
  void restartPolicyNeverShowsCompletedAndError() throws Exception {
    for (String[] p : List.of(new String[] {"ok", "0"}, new String[] {"fails", "3"})) {
      akkube.apply(
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
    Akkube.await(
        Duration.ofSeconds(30),
        "Completed",
        () -> akkube.row("ok").startsWith("ok 0/1 Completed 0"));
    Akkube.await(
        Duration.ofSeconds(30), "Error", () -> akkube.row("fails").startsWith("fails 0/1 Error 0"));
    JsonNode term =
        akkube
            .pod("fails")
            .path("status")
            .path("containerStatuses")
            .get(0)
            .path("state")
            .path("terminated");
    assertThat(term.path("exitCode").asInt()).isEqualTo(3);
    assertThat(akkube.pod("fails").path("status").path("phase").asText()).isEqualTo("Failed");
  }

  @Test
  void deleteRunsPreStopThenSigterm() throws Exception {
    Path trace = Files.createDirectories(dataDir.resolve("trace"));
    akkube.apply(
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
    Akkube.await(
        Duration.ofSeconds(30),
        "running",
        () -> akkube.row("graceful").startsWith("graceful 1/1 Running"));
    akkube.kubectl("delete", "pod", "graceful", "--wait=true");
    Akkube.await(
        Duration.ofSeconds(20),
        "term traced",
        () -> Akkube.read(trace.resolve("log")).contains("term"));
    assertThat(Akkube.read(trace.resolve("log"))).isEqualTo("prestop\nterm\n");
    assertThat(akkube.kubectl("get", "pods")).doesNotContain("graceful");
  }

  @Test
  void configMapKeysBecomeEnvironmentVariables() throws Exception {
    akkube.apply(
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
    Akkube.await(
        Duration.ofSeconds(30),
        "Completed",
        () -> akkube.row("env-printer").startsWith("env-printer 0/1 Completed"));
    // What the user sees: kubectl logs prints the two variables the ConfigMap supplied.
    assertThat(akkube.kubectl("logs", "env-printer"))
        .isEqualTo("APPLOGLEVEL=info\nAPPDATADIR=/var/data\n");
  }
}
