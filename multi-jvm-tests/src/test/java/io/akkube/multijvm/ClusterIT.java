package io.akkube.multijvm;

import static io.akkube.multijvm.AkkubeCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.multijvm.AkkubeCluster.Member;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7's acceptance on real JVMs: Cassandra, three control-plane members and two workers
 * (process runtime) on their own loopback addresses, driven by kubectl. The node lifecycle runs
 * with a grace period of a few seconds so that losing a worker is seen quickly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final Duration GRACE = Duration.ofSeconds(8);

  @RegisterExtension
  static final MultiJvmExtension harness =
      new MultiJvmExtension(
          Map.of(
              "AKKUBE_NODE_LIFECYCLE_HEARTBEAT_INTERVAL", "2s",
              "AKKUBE_NODE_LIFECYCLE_GRACE_PERIOD", GRACE.toSeconds() + "s",
              "AKKUBE_NODE_LIFECYCLE_MONITOR_PERIOD", "1s",
              "AKKUBE_NODE_RUNTIME", "process"));

  private static AkkubeCluster cluster;
  private static Member cp1;
  private static Member worker1;
  private static Member worker2;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = harness.cluster();
    cluster.startCassandra();
    cp1 = cluster.member(1, "cp-1", "control-plane");
    cluster.member(2, "cp-2", "control-plane");
    cluster.member(3, "cp-3", "control-plane");
    worker1 = cluster.member(4, "worker-1", "worker");
    worker2 = cluster.member(5, "worker-2", "worker");
    // The first seed forms the cluster; the others join one at a time (members racing each other
    // to create the master service on an empty journal fail their start: "IP already allocated").
    for (Member m : cluster.controlPlane()) {
      cluster.start(m);
      cluster.awaitReady(m, 1, Duration.ofMinutes(3));
    }
    cluster.start(worker1);
    cluster.start(worker2);
    cluster.awaitReady(worker1, 1, Duration.ofMinutes(3));
    cluster.awaitReady(worker2, 1, Duration.ofMinutes(3));
    cluster.awaitMembership(Duration.ofMinutes(2));
  }

  @Test
  @Order(1)
  void aDeploymentSpreadsAcrossTheWorkersAndEveryMemberSeesTheSameObjects() {
    cluster.apply(cp1, "apiVersion: v1\nkind: Namespace\nmetadata: {name: spread}\n");
    cluster.apply(
        cluster.controlPlane().get(1),
        deployment(
            "spread",
            "web",
            6,
            "  topologySpreadConstraints:\n"
                + "      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable:"
                + " DoNotSchedule, labelSelector: {matchLabels: {app: web}}}\n"));
    await(
        Duration.ofMinutes(3),
        "6 pods running, 3 on each worker",
        () -> {
          Map<String, Integer> perNode = runningPerNode(cp1, "spread");
          return perNode.getOrDefault(worker1.name, 0) == 3
              && perNode.getOrDefault(worker2.name, 0) == 3;
        });
    // every control-plane member serves the same objects at the same resourceVersions
    await(
        Duration.ofSeconds(60),
        "the same objects and revisions on every control-plane member",
        () -> {
          List<Map<String, String>> views =
              cluster.controlPlane().stream().map(m -> versions(m, "spread")).toList();
          return views.get(0).size() >= 8 && views.stream().allMatch(v -> v.equals(views.get(0)));
        });
  }

  @Test
  @Order(2)
  void aKilledWorkerGoesNotReadyItsPodsMoveAndOnItsReturnNoSlotRunsTwice() throws Exception {
    cluster.apply(cp1, "apiVersion: v1\nkind: Namespace\nmetadata: {name: failover}\n");
    cluster.apply(cp1, deployment("failover", "app", 4, ""));
    await(
        Duration.ofMinutes(3),
        "4 pods running",
        () -> runningPerNode(cp1, "failover").values().stream().mapToInt(i -> i).sum() == 4);
    Map<String, Integer> before = runningPerNode(cp1, "failover");
    Member victim = before.getOrDefault(worker1.name, 0) > 0 ? worker1 : worker2;
    Member survivor = victim == worker1 ? worker2 : worker1;

    long killedAt = System.nanoTime();
    List<ProcessHandle> podProcesses = cluster.kill(victim);
    assertThat(podProcesses).as("the killed worker's pod processes outlive its JVM").isNotEmpty();
    Member observer = cluster.controlPlane().get(2);
    await(
        GRACE.plusSeconds(30),
        victim.name + " NotReady",
        () ->
            cluster.ok(observer, "get", "node", victim.name, "--no-headers").contains("NotReady"));
    Duration notReadyAfter = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(notReadyAfter).isLessThan(Duration.ofSeconds(40));
    JsonNode node = cluster.json(observer, "get", "node", victim.name);
    assertThat(node.path("spec").path("taints").toString())
        .contains("node.kubernetes.io/unreachable")
        .contains("NoExecute");

    await(
        Duration.ofMinutes(2),
        "4 pods running on " + survivor.name,
        () -> runningPerNode(observer, "failover").getOrDefault(survivor.name, 0) == 4);

    // the worker comes back: Ready and untainted, the evicted pods' processes killed by its agent,
    // and no slot runs twice (exactly the 4 replacements remain)
    cluster.start(victim);
    cluster.awaitReady(victim, 2, Duration.ofMinutes(3));
    await(
        Duration.ofSeconds(60),
        victim.name + " Ready again without the unreachable taints",
        () -> {
          JsonNode n = cluster.json(observer, "get", "node", victim.name);
          return !n.path("spec").path("taints").toString().contains("unreachable")
              && cluster
                  .ok(observer, "get", "node", victim.name, "--no-headers")
                  .contains(" Ready");
        });
    await(
        Duration.ofSeconds(90),
        "exactly the 4 replacement pods",
        () -> cluster.json(observer, "get", "pods", "-n", "failover").path("items").size() == 4);
    assertThat(runningPerNode(observer, "failover")).isEqualTo(Map.of(survivor.name, 4));
    await(
        Duration.ofSeconds(60),
        "the evicted pods' processes on " + victim.name + " killed",
        () -> podProcesses.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** A deployment of {@code sleep} pods on the two workers, tolerating unreachable for 2 s. */
  private static String deployment(String ns, String name, int replicas, String extraSpec) {
    return "apiVersion: apps/v1\nkind: Deployment\n"
        + "metadata: {name: "
        + name
        + ", namespace: "
        + ns
        + "}\n"
        + "spec:\n  replicas: "
        + replicas
        + "\n  selector: {matchLabels: {app: "
        + name
        + "}}\n"
        + "  template:\n    metadata: {labels: {app: "
        + name
        + "}}\n    spec:\n"
        + "      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
        + " {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname,"
        + " operator: In, values: [worker-1, worker-2]}]}]}}}\n"
        + "      tolerations:\n"
        + "      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute,"
        + " tolerationSeconds: 2}\n"
        + "      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,"
        + " tolerationSeconds: 2}\n"
        + "      terminationGracePeriodSeconds: 1\n"
        + "      containers: [{name: c, image: busybox, command: [sleep, \"3600\"]}]\n"
        + extraSpec.replace("\n  topology", "\n      topology").replaceFirst("^  ", "      ");
  }

  /** Running pods without a deletionTimestamp, per node. */
  private static Map<String, Integer> runningPerNode(Member m, String ns) {
    Map<String, Integer> perNode = new HashMap<>();
    for (JsonNode pod : cluster.json(m, "get", "pods", "-n", ns).path("items")) {
      if (pod.path("status").path("phase").asText().equals("Running")
          && !pod.path("metadata").has("deletionTimestamp")) {
        perNode.merge(pod.path("spec").path("nodeName").asText(), 1, Integer::sum);
      }
    }
    return perNode;
  }

  /** kind/name → resourceVersion of the deployments, replica sets and pods in {@code ns}. */
  private static Map<String, String> versions(Member m, String ns) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode item :
        cluster.json(m, "get", "deployments,replicasets,pods", "-n", ns).path("items")) {
      out.put(
          item.path("kind").asText() + "/" + item.path("metadata").path("name").asText(),
          item.path("metadata").path("resourceVersion").asText());
    }
    return out;
  }
}
