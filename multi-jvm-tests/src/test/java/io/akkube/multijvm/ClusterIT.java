package io.akkube.multijvm;

import static io.akkube.multijvm.AkkubeCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.multijvm.AkkubeCluster.Member;
import java.nio.file.Path;
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
    cp1 = cluster.member(1, "cp-1", "control-plane");
    cluster.member(2, "cp-2", "control-plane");
    cluster.member(3, "cp-3", "control-plane");
    worker1 = cluster.member(4, "worker-1", "worker");
    worker2 = cluster.member(5, "worker-2", "worker");
    // The first seed forms the cluster; the others join one at a time (members racing each other
    // to create the master service on an empty journal fail their start: "IP already allocated").
    for (Member m : cluster.controlPlane()) {
      cluster.start(m);
      cluster.awaitReady(m, Duration.ofMinutes(3));
    }
    cluster.start(worker1);
    cluster.start(worker2);
    cluster.awaitReady(worker1, Duration.ofMinutes(3));
    cluster.awaitReady(worker2, Duration.ofMinutes(3));
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
  void theFirstMembersKubeconfigReachesEveryControlPlaneMemberOverVerifiedTls() {
    Path kubeconfig = cp1.kubeconfig();
    List<String> expected = cluster.controlPlane().stream().map(m -> "akkube-" + m.name).toList();
    await(
        Duration.ofSeconds(60),
        cp1.name + "'s kubeconfig to list every control-plane member",
        () ->
            kubectlWith(kubeconfig, "config", "get-contexts", "-o", "name")
                .lines()
                .toList()
                .containsAll(expected));
    for (Member m : cluster.controlPlane()) {
      String context = "akkube-" + m.name;
      assertThat(
              kubectlWith(
                  kubeconfig,
                  "config",
                  "view",
                  "--minify",
                  "--context",
                  context,
                  "-o",
                  "jsonpath={.clusters[0].cluster.server}"))
          .isEqualTo("https://" + m.address + ":" + m.apiPort);
      // kubectl verifies the server's certificate against the context's authority
      assertThat(kubectlWith(kubeconfig, "--context", context, "get", "nodes", "--no-headers"))
          .hasLineCount(cluster.members().size());
    }
    // ... for real: one member's authority does not vouch for another member
    Member cp2 = cluster.controlPlane().get(1);
    Member cp3 = cluster.controlPlane().get(2);
    AkkubeCluster.Result wrong =
        cluster.kubectl(
            kubeconfig,
            "kubectl-cache-first",
            null,
            "--context",
            "akkube-" + cp2.name,
            "--server",
            "https://" + cp3.address + ":" + cp3.apiPort,
            "get",
            "nodes");
    assertThat(wrong.exitCode()).as("%s", wrong).isNotZero();
    assertThat(wrong.stderr()).contains("certificate");
  }

  @Test
  @Order(3)
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
    cluster.awaitReady(victim, Duration.ofMinutes(3));
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

  @Test
  @Order(4)
  void aRollingRestartOfEveryMemberUnderLightLoadLosesNoObjectAndRunsNoPodTwice() throws Exception {
    cluster.apply(cp1, "apiVersion: v1\nkind: Namespace\nmetadata: {name: rolling}\n");
    // pods that outlast a worker's restart (default tolerations: 300 s of unreachable)
    cluster.apply(cp1, deployment("rolling", "steady", 4, "", STEADY_SLEEP, ""));
    await(
        Duration.ofMinutes(3),
        "4 steady pods running",
        () -> runningPerNode(cp1, "rolling").values().stream().mapToInt(i -> i).sum() == 4);
    Map<String, String> before = identities(cp1);

    List<ApiClient> apis = cluster.controlPlane().stream().map(cluster::api).toList();
    ConfigMapLoad load = new ConfigMapLoad(apis, "rolling");
    try {
      for (Member m : cluster.members()) {
        int acknowledged = load.acknowledged().size();
        int exit = cluster.stop(m);
        assertThat(exit).as("%s's exit code after SIGTERM", m).isIn(0, 143);
        cluster.start(m);
        cluster.awaitReady(m, Duration.ofMinutes(3));
        cluster.awaitMembership(Duration.ofMinutes(3));
        Member observer = cluster.controlPlane().get(0);
        await(
            Duration.ofMinutes(2),
            "4 steady pods running after the restart of " + m,
            () ->
                runningPerNode(observer, "rolling").values().stream().mapToInt(i -> i).sum() == 4);
        await(
            Duration.ofSeconds(60),
            "the load going on after the restart of " + m,
            () -> load.acknowledged().size() > acknowledged);
      }
    } finally {
      load.close();
    }

    // no object lost: everything that existed before is still there (same uid)...
    Map<String, String> after = identities(cp1);
    assertThat(after).containsAllEntriesOf(before);
    // ... and every acknowledged ConfigMap write, on every control-plane member
    Map<String, Integer> acknowledged = load.acknowledged();
    Map<String, java.util.Set<Integer>> tried = load.tried();
    System.out.printf(
        "rolling restart: %d configmaps acknowledged, %d writes unanswered%n",
        acknowledged.size(), load.unanswered());
    for (Member m : cluster.controlPlane()) {
      await(
          Duration.ofSeconds(30),
          "every acknowledged configmap write on " + m,
          () -> {
            Map<String, Integer> listed = new TreeMap<>();
            for (JsonNode cm :
                cluster.json(m, "get", "configmaps", "-n", "rolling").path("items")) {
              String name = cm.path("metadata").path("name").asText();
              if (name.startsWith("cm-")) {
                listed.put(name, cm.path("data").path("v").asInt());
              }
            }
            return acknowledged.entrySet().stream()
                .allMatch(
                    e -> {
                      Integer value = listed.get(e.getKey());
                      // the acknowledged value, or a later one whose answer was lost
                      return value != null
                          && value >= e.getValue()
                          && tried.get(e.getKey()).contains(value);
                    });
          });
    }
    // no pod duplicated: 4 pods, and 4 processes of theirs on the machines
    JsonNode pods = cluster.json(cp1, "get", "pods", "-n", "rolling").path("items");
    assertThat(pods).hasSize(4);
    await(
        Duration.ofSeconds(60),
        "exactly 4 steady pod processes on the workers",
        () -> steadyProcesses() == 4);
    assertThat(cluster.json(cp1, "get", "replicasets", "-n", "rolling").path("items")).hasSize(1);
  }

  /**
   * {@code sleep} of the steady deployment's pods: a number no other process on the host sleeps.
   */
  private static final String STEADY_SLEEP = "36017";

  private static long steadyProcesses() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().command().orElse("").endsWith("/sleep")
                    && java.util.Arrays.equals(
                        p.info().arguments().orElse(new String[0]), new String[] {STEADY_SLEEP}))
        .count();
  }

  /**
   * kind/namespace/name → uid of the objects that a restart must not lose (pods, events and nodes
   * come and go by themselves).
   */
  private static Map<String, String> identities(Member m) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode item :
        cluster
            .json(m, "get", "namespaces,deployments,replicasets,services,configmaps,secrets", "-A")
            .path("items")) {
      JsonNode meta = item.path("metadata");
      out.put(
          item.path("kind").asText()
              + "/"
              + meta.path("namespace").asText()
              + "/"
              + meta.path("name").asText(),
          meta.path("uid").asText());
    }
    return out;
  }

  private static String kubectlWith(Path kubeconfig, String... args) {
    AkkubeCluster.Result r = cluster.kubectl(kubeconfig, "kubectl-cache-first", null, args);
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " → " + r);
    }
    return r.stdout().trim();
  }

  /** A deployment of {@code sleep} pods on the two workers, tolerating unreachable for 2 s. */
  private static String deployment(String ns, String name, int replicas, String extraSpec) {
    return deployment(
        ns,
        name,
        replicas,
        "      tolerations:\n"
            + "      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute,"
            + " tolerationSeconds: 2}\n"
            + "      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,"
            + " tolerationSeconds: 2}\n",
        "3600",
        extraSpec);
  }

  /**
   * A deployment of {@code sleep <seconds>} pods on the two workers with {@code tolerations} (YAML
   * lines; empty: the 300 s defaults).
   */
  private static String deployment(
      String ns, String name, int replicas, String tolerations, String seconds, String extraSpec) {
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
        + tolerations
        + "      terminationGracePeriodSeconds: 1\n"
        + "      containers: [{name: c, image: busybox, command: [sleep, \""
        + seconds
        + "\"]}]\n"
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
