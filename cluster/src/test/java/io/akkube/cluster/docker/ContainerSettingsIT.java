package io.akkube.cluster.docker;

import static io.akkube.cluster.docker.EngineAkkube.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the docker-api runtime's unit tests only check in the engine's create request, observed in
 * real containers on Podman: the user and group a container runs as, a read-only root filesystem,
 * dropped and added capabilities, memory and CPU limits in the container's cgroup, hostNetwork, and
 * the node's stats summary and {@code kubectl top} for a busy container.
 */
class ContainerSettingsIT {

  private static final String NODE = "settings-it-node";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EngineAkkube akkube;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        EngineAkkube.engineAnswers(),
        "no Podman service on " + EngineAkkube.SOCKET + " (scripts/test-engine.sh starts one)");
    akkube = EngineAkkube.start("settings-it", NODE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (akkube != null) {
      akkube.close();
      assertThat(akkube.containers()).as("containers left behind").isEmpty();
    }
  }

  @Test
  void runAsUserAndGroupAreTheIdsTheProcessRunsWith() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: ids}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          securityContext: {runAsUser: 1000, runAsGroup: 3000}
          containers:
          - name: pod-level
            image: busybox
            command: [sh, -c, 'id; exec sleep 3600']
          - name: own
            image: busybox
            command: [sh, -c, 'id; exec sleep 3600']
            securityContext: {runAsUser: 2000}
        """
            .formatted(NODE));
    awaitLog("ids", "pod-level", "uid=");
    assertThat(akkube.kubectl("logs", "ids", "-c", "pod-level"))
        .contains("uid=1000(1000) gid=3000(3000)");
    awaitLog("ids", "own", "uid=");
    assertThat(akkube.kubectl("logs", "ids", "-c", "own"))
        .contains("uid=2000(2000) gid=3000(3000)");
    delete("ids");
  }

  @Test
  void aReadOnlyRootFilesystemRefusesWritesButItsVolumesTakeThem() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: readonly}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          volumes: [{name: scratch, emptyDir: {}}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'touch /probe || echo root-refused; touch /scratch/probe && echo volume-written; exec sleep 3600']
            securityContext: {readOnlyRootFilesystem: true}
            volumeMounts: [{name: scratch, mountPath: /scratch}]
        """
            .formatted(NODE));
    awaitLog("readonly", "app", "volume-written");
    String logs = akkube.kubectl("logs", "readonly");
    assertThat(logs).contains("Read-only file system").contains("root-refused");
    delete("readonly");
  }

  @Test
  void droppedCapabilitiesAreGoneAndAddedOnesPresent() throws Exception {
    // CHOWN is capability 0, NET_ADMIN 12: bits of CapEff in /proc/self/status
    String script =
        "touch /f; chown 1:1 /f && echo chown-allowed || echo chown-refused;"
            + " grep CapEff /proc/self/status; exec sleep 3600";
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: caps}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: defaults
            image: busybox
            command: [sh, -c, '%s']
          - name: changed
            image: busybox
            command: [sh, -c, '%s']
            securityContext: {capabilities: {drop: [CHOWN], add: [NET_ADMIN]}}
        """
            .formatted(NODE, script, script));
    awaitLog("caps", "defaults", "CapEff");
    awaitLog("caps", "changed", "CapEff");
    String defaults = akkube.kubectl("logs", "caps", "-c", "defaults");
    String changed = akkube.kubectl("logs", "caps", "-c", "changed");
    assertThat(defaults).contains("chown-allowed");
    assertThat(changed).contains("chown-refused");
    long defaultCaps = capEff(defaults);
    long changedCaps = capEff(changed);
    assertThat(defaultCaps & 1).as("CHOWN by default").isEqualTo(1);
    assertThat(defaultCaps & (1 << 12)).as("no NET_ADMIN by default").isZero();
    assertThat(changedCaps & 1).as("CHOWN dropped").isZero();
    assertThat(changedCaps & (1 << 12)).as("NET_ADMIN added").isNotZero();
    delete("caps");
  }

  @Test
  void memoryAndCpuLimitsAreTheContainersCgroupLimits() throws Exception {
    // cgroup v1 (this project's machines) or v2, as the container sees its own cgroup
    String script =
        "echo memory-limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null"
            + " || cat /sys/fs/cgroup/memory.max);"
            + " if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then"
            + " echo cpu-quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"
            + "/$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us);"
            + " else echo cpu-quota=$(tr \" \" / < /sys/fs/cgroup/cpu.max); fi;"
            + " exec sleep 3600";
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: limited}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: [sh, -c, '%s']
            resources: {limits: {memory: 64Mi, cpu: 250m}}
        """
            .formatted(NODE, script));
    awaitLog("limited", "app", "cpu-quota=");
    String logs = akkube.kubectl("logs", "limited");
    assertThat(logs).contains("memory-limit=" + 64 * 1024 * 1024);
    assertThat(logs).contains("cpu-quota=25000/100000");
    delete("limited");
  }

  @Test
  void aHostNetworkPodSeesTheHostsInterfacesAndServesOnItsLoopback() throws Exception {
    Set<String> hostInterfaces = new TreeSet<>();
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      links.forEach(p -> hostInterfaces.add(p.getFileName().toString()));
    }
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: on-host}
        spec:
          nodeName: %s
          hostNetwork: true
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: nginx:1.17
            command: [sh, -c, 'echo interfaces: $(ls /sys/class/net); exec httpd -f -p 127.0.0.1:28491 -h /www']
        """
            .formatted(NODE));
    awaitLog("on-host", "web", "interfaces:");
    String line =
        akkube
            .kubectl("logs", "on-host")
            .lines()
            .filter(l -> l.startsWith("interfaces:"))
            .findFirst()
            .orElseThrow();
    Set<String> seen =
        new TreeSet<>(Set.of(line.substring("interfaces:".length()).trim().split("\\s+")));
    assertThat(seen).isEqualTo(hostInterfaces);
    // its 127.0.0.1 is the host's: the test reaches the server there
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicReference<String> page = new AtomicReference<>("");
    eventually(
        Duration.ofSeconds(30),
        "the page on the host's 127.0.0.1:28491",
        () -> {
          try {
            page.set(
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:28491/"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
            return true;
          } catch (java.io.IOException e) {
            return false;
          }
        });
    assertThat(page.get()).contains("Welcome to nginx!");
    delete("on-host");
  }

  @Test
  void theStatsSummaryAndKubectlTopShowABusyContainersCpuAndMemory() throws Exception {
    akkube.apply(
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
            resources: {limits: {cpu: 200m, memory: 64Mi}}
          - name: idle
            image: busybox
            command: [sleep, '3600']
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(60),
        "busy running",
        () -> akkube.row("busy").startsWith("busy 2/2 Running"));
    String uid = akkube.pod("busy").path("metadata").path("uid").asText();
    String path = "/api/v1/nodes/" + NODE + "/proxy/stats/summary";
    AtomicReference<JsonNode> spin = new AtomicReference<>();
    AtomicReference<JsonNode> summary = new AtomicReference<>();
    eventually(
        Duration.ofSeconds(60),
        "CPU use of the spinning container in the summary",
        () -> {
          summary.set(JSON.readTree(akkube.kubectl("get", "--raw", path)));
          for (JsonNode pod : summary.get().path("pods")) {
            if (pod.path("podRef").path("uid").asText().equals(uid)) {
              for (JsonNode c : pod.path("containers")) {
                if (c.path("name").asText().equals("spin")) {
                  spin.set(c);
                  return c.path("cpu").path("usageNanoCores").asLong() > 0;
                }
              }
            }
          }
          return false;
        });
    JsonNode node = summary.get().path("node");
    assertThat(node.path("nodeName").asText()).isEqualTo(NODE);
    assertThat(node.path("cpu").path("usageCoreNanoSeconds").asLong()).isPositive();
    assertThat(node.path("memory").path("workingSetBytes").asLong()).isPositive();
    assertThat(spin.get().path("memory").path("workingSetBytes").asLong()).isPositive();
    assertThat(spin.get().path("cpu").path("usageCoreNanoSeconds").asLong()).isPositive();
    // limited to 200m: a rate far above it would be a wrong window or unit
    assertThat(spin.get().path("cpu").path("usageNanoCores").asLong()).isLessThan(400_000_000L);
    JsonNode pod = null;
    for (JsonNode p : summary.get().path("pods")) {
      if (p.path("podRef").path("uid").asText().equals(uid)) {
        pod = p;
      }
    }
    assertThat(pod.path("podRef").path("name").asText()).isEqualTo("busy");
    assertThat(pod.path("podRef").path("namespace").asText()).isEqualTo("default");
    assertThat(pod.path("containers").findValuesAsText("name")).containsExactly("idle", "spin");

    // kubectl top reads metrics.k8s.io: the spinning container's CPU in millicores
    Pattern spinRow = Pattern.compile("(?m)^busy\\s+spin\\s+(\\d+)m\\s+\\d+Mi\\s*$");
    AtomicReference<String> top = new AtomicReference<>("");
    eventually(
        Duration.ofSeconds(60),
        "kubectl top pod with the spinning container's CPU",
        () -> {
          top.set(akkube.kubectl("top", "pod", "busy", "--containers"));
          Matcher m = spinRow.matcher(top.get());
          return m.find() && Integer.parseInt(m.group(1)) > 0;
        });
    assertThat(akkube.kubectl("top", "pod", "-l", "app=busy"))
        .containsPattern("(?m)^busy\\s+\\d+m");
    assertThat(akkube.kubectl("top", "node"))
        .containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s+\\d+%");

    // the kubelet serves no other path; a node that does not exist is the Node's 404
    assertThat(akkube.kubectl("get", "--raw", "/api/v1/nodes/" + NODE + "/proxy/healthz/nope"))
        .contains("NotFound");
    assertThat(akkube.kubectl("get", "--raw", "/api/v1/nodes/no-such-node/proxy/stats/summary"))
        .contains("nodes \"no-such-node\" not found");
    delete("busy");
  }

  // ---- helpers ----

  private static void awaitLog(String pod, String container, String text) throws Exception {
    eventually(
        Duration.ofSeconds(60),
        pod + "/" + container + " logs " + text,
        () -> akkube.kubectl("logs", pod, "-c", container).contains(text));
  }

  private static long capEff(String logs) {
    Matcher m = Pattern.compile("CapEff:\\s+([0-9a-f]+)").matcher(logs);
    assertThat(m.find()).as(logs).isTrue();
    return Long.parseUnsignedLong(m.group(1), 16);
  }

  private static void delete(String pod) throws Exception {
    akkube.kubectl("delete", "pod", pod, "--grace-period=1");
    eventually(
        Duration.ofSeconds(60),
        pod + "'s containers removed",
        () -> akkube.containers().stream().noneMatch(n -> n.contains("_" + pod + "_default_")));
  }
}
