package io.akkube.cluster.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The default-scheduler against three hollow nodes (4 cpu, 4Gi each), driven by the real kubectl:
 *
 * <ul>
 *   <li>hollow-node-0: zone=a, disk=ssd
 *   <li>hollow-node-1: zone=b, disk=hdd
 *   <li>hollow-node-2: zone=c, tainted dedicated=infra:NoSchedule
 *   <li>the local node: tainted node-role.kubernetes.io/control-plane:NoSchedule, as kube's
 * </ul>
 *
 * Each test works in its own namespace; the tests that cordon, drain or taint run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulingIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOLERATE_INFRA =
      "  tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]\n";
  private static HollowCluster cluster;

  @RegisterExtension
  static final TestWatcher KEEP_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            cluster.keep();
          }
        }
      };

  @BeforeAll
  static void startThreeHollowNodes() throws Exception {
    cluster =
        HollowCluster.start(
            "placement",
            4,
            "--hollow-nodes",
            "3",
            "--hollow-node-cpu",
            "4",
            "--hollow-node-memory",
            "4Gi");
    cluster.ok(
        "taint", "nodes", "sched-local", "node-role.kubernetes.io/control-plane=:NoSchedule");
    cluster.ok("label", "nodes", "hollow-node-0", "zone=a", "disk=ssd");
    cluster.ok("label", "nodes", "hollow-node-1", "zone=b", "disk=hdd");
    cluster.ok("label", "nodes", "hollow-node-2", "zone=c");
    cluster.ok("taint", "nodes", "hollow-node-2", "dedicated=infra:NoSchedule");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void nodeSelectorPlacesThePodOnTheLabelledNode() {
    ns("selector");
    cluster.apply(pod("selector", "p", "  nodeSelector: {disk: ssd}\n"));
    assertThat(awaitNode("selector", "p")).isEqualTo("hollow-node-0");
    awaitRunning("selector", "p");
    assertThat(eventMessages("selector", "p", "Scheduled"))
        .containsExactly("Successfully assigned selector/p to hollow-node-0");
  }

  @Test
  @Order(1)
  void requiredNodeAffinityRestrictsAndPreferredAffinityChooses() {
    ns("affinity");
    String affinity =
        """
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [{key: zone, operator: NotIn, values: [a]}]
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 100
                preference:
                  matchExpressions: [{key: disk, operator: In, values: [hdd]}]
        """
            + TOLERATE_INFRA;
    for (int i = 0; i < 3; i++) {
      cluster.apply(pod("affinity", "p" + i, affinity));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(awaitNode("affinity", "p" + i)).isEqualTo("hollow-node-1");
    }
    String onlyZoneA =
        """
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [{key: zone, operator: In, values: [a]}]
        """;
    cluster.apply(pod("affinity", "a", onlyZoneA));
    assertThat(awaitNode("affinity", "a")).isEqualTo("hollow-node-0");
  }

  @Test
  @Order(1)
  void aTaintedNodeTakesOnlyPodsThatTolerateIt() {
    ns("taints");
    cluster.apply(pod("taints", "intolerant", "  nodeSelector: {zone: c}\n"));
    String message = awaitFailedScheduling("taints", "intolerant");
    assertThat(message)
        .startsWith(
            "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 1"
                + " node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2"
                + " node(s) didn't match Pod's node affinity/selector. preemption: ");
    cluster.apply(pod("taints", "tolerant", "  nodeSelector: {zone: c}\n" + TOLERATE_INFRA));
    assertThat(awaitNode("taints", "tolerant")).isEqualTo("hollow-node-2");
    assertThat(nodeOf("taints", "intolerant")).isEmpty();
  }

  @Test
  @Order(1)
  void requiredAntiAffinityPutsOnePodPerNode() {
    ns("anti");
    String anti =
        """
          affinity:
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector: {matchLabels: {app: anti}}
                topologyKey: kubernetes.io/hostname
        """
            + TOLERATE_INFRA;
    for (int i = 0; i < 3; i++) {
      cluster.apply(pod("anti", "p" + i, anti, "app: anti"));
    }
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(awaitNode("anti", "p" + i));
    }
    assertThat(nodes).containsExactlyInAnyOrder("hollow-node-0", "hollow-node-1", "hollow-node-2");
    cluster.apply(pod("anti", "p3", anti, "app: anti"));
    assertThat(awaitFailedScheduling("anti", "p3"))
        .contains("3 node(s) didn't match pod anti-affinity rules");
  }

  @Test
  @Order(1)
  void topologySpreadKeepsZonesWithinMaxSkew() {
    ns("spread");
    String spread =
        """
          topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: zone
            whenUnsatisfiable: DoNotSchedule
            labelSelector: {matchLabels: {app: spread}}
        """
            + TOLERATE_INFRA;
    for (int i = 0; i < 6; i++) {
      cluster.apply(pod("spread", "p" + i, spread, "app: spread"));
    }
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      perNode.merge(awaitNode("spread", "p" + i), 1, Integer::sum);
    }
    assertThat(perNode)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("hollow-node-0", 2, "hollow-node-1", 2, "hollow-node-2", 2));
  }

  @Test
  @Order(1)
  void aPodLargerThanEveryNodeStaysPendingWithKubesMessage() {
    ns("fit");
    cluster.apply(pod("fit", "big", TOLERATE_INFRA, "", "5Gi"));
    String message = awaitFailedScheduling("fit", "big");
    assertThat(message)
        .isEqualTo(
            "0/4 nodes are available: 1 node(s) had untolerated taint"
                + " {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory. preemption:"
                + " 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No"
                + " preemption victims found for incoming pod..");
    JsonNode condition = condition(cluster.getJson("pod", "big", "-n", "fit"), "PodScheduled");
    assertThat(condition.path("status").asText()).isEqualTo("False");
    assertThat(condition.path("reason").asText()).isEqualTo("Unschedulable");
    assertThat(condition.path("message").asText()).isEqualTo(message);
    assertThat(cluster.ok("get", "pod", "big", "-n", "fit", "--no-headers")).contains("Pending");

    cluster.apply(pod("fit", "small", TOLERATE_INFRA, "", "200Mi"));
    awaitRunning("fit", "small");
    assertThat(nodeOf("fit", "big")).isEmpty();
  }

  @Test
  @Order(1)
  void aTakenHostPortSendsTheNextPodElsewhereOrNowhere() {
    ns("ports");
    String port =
        """
          nodeSelector: {disk: ssd}
          containers:
          - name: c
            image: nginx
            ports: [{containerPort: 80, hostPort: 18080}]
        """;
    cluster.apply(rawPod("ports", "first", port));
    assertThat(awaitNode("ports", "first")).isEqualTo("hollow-node-0");
    cluster.apply(rawPod("ports", "second", port));
    assertThat(awaitFailedScheduling("ports", "second"))
        .contains("1 node(s) didn't have free ports for the requested pod ports");
  }

  @Test
  @Order(1)
  void aHigherPriorityPodPreemptsALowerOne() {
    ns("preempt");
    cluster.apply(
        """
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: sched-it-high}
        value: 1000
        """);
    cluster.apply(pod("preempt", "low", "  nodeSelector: {disk: hdd}\n", "", "3Gi"));
    awaitRunning("preempt", "low");
    cluster.apply(
        pod(
            "preempt",
            "high",
            "  nodeSelector: {disk: hdd}\n  priorityClassName: sched-it-high\n",
            "",
            "3Gi"));
    assertThat(awaitNode("preempt", "high")).isEqualTo("hollow-node-1");
    HollowCluster.await(
        WAIT,
        "the low-priority pod deleted",
        () -> cluster.kubectl("get", "pod", "low", "-n", "preempt").exitCode() != 0);
    assertThat(eventMessages("preempt", "low", "Preempted")).hasSize(1);
  }

  @Test
  @Order(2)
  void aCordonedNodeGetsNothingNew() {
    ns("cordon");
    assertThat(cluster.ok("cordon", "hollow-node-0")).contains("cordoned");
    assertThat(cluster.ok("get", "node", "hollow-node-0", "--no-headers"))
        .contains("Ready,SchedulingDisabled");
    for (int i = 0; i < 6; i++) {
      cluster.apply(pod("cordon", "p" + i, TOLERATE_INFRA));
    }
    for (int i = 0; i < 6; i++) {
      assertThat(awaitNode("cordon", "p" + i)).isNotEqualTo("hollow-node-0");
    }
    cluster.apply(pod("cordon", "ssd", "  nodeSelector: {disk: ssd}\n"));
    assertThat(awaitFailedScheduling("cordon", "ssd")).contains("1 node(s) were unschedulable");
    cluster.ok("uncordon", "hollow-node-0");
    assertThat(awaitNode("cordon", "ssd")).isEqualTo("hollow-node-0");
  }

  @Test
  @Order(3)
  void drainEvictsThePodsAndNothingLandsThereAfter() {
    ns("drain");
    String onNode1 = "  nodeSelector: {disk: hdd}\n";
    for (int i = 0; i < 3; i++) {
      cluster.apply(pod("drain", "p" + i, onNode1, "app: drained"));
      awaitRunning("drain", "p" + i);
    }
    cluster.apply(
        """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: keep-all, namespace: drain}
        spec:
          minAvailable: 3
          selector: {matchLabels: {app: drained}}
        """);
    HollowCluster.await(
        WAIT,
        "the budget's status",
        () ->
            cluster
                .getJson("pdb", "keep-all", "-n", "drain")
                .path("status")
                .has("disruptionsAllowed"));
    HollowCluster.Result blocked =
        cluster.kubectl("drain", "hollow-node-1", "--force", "--timeout=8s");
    assertThat(blocked.exitCode()).isNotZero();
    assertThat(blocked.stderr() + blocked.stdout())
        .contains("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(podsIn("drain")).hasSize(3);

    cluster.ok("delete", "pdb", "keep-all", "-n", "drain");
    HollowCluster.Result drained =
        cluster.kubectl("drain", "hollow-node-1", "--force", "--timeout=60s");
    assertThat(drained.exitCode()).as(drained.toString()).isZero();
    assertThat(drained.stdout()).contains("node/hollow-node-1 drained");
    HollowCluster.await(
        WAIT,
        "no pod of namespace drain left on hollow-node-1",
        () -> podsIn("drain").stream().noneMatch(p -> nodeName(p).equals("hollow-node-1")));
    for (int i = 0; i < 4; i++) {
      cluster.apply(pod("drain", "after" + i, TOLERATE_INFRA));
      assertThat(awaitNode("drain", "after" + i)).isNotEqualTo("hollow-node-1");
    }
    cluster.ok("uncordon", "hollow-node-1");
  }

  @Test
  @Order(4)
  void aNoExecuteTaintEvictsPodsThatDoNotTolerateIt() {
    ns("noexec");
    cluster.apply(pod("noexec", "plain", "  nodeSelector: {disk: ssd}\n"));
    cluster.apply(
        pod(
            "noexec",
            "briefly",
            "  nodeSelector: {disk: ssd}\n"
                + "  tolerations: [{key: maintenance, operator: Exists, effect: NoExecute,"
                + " tolerationSeconds: 2}]\n"));
    cluster.apply(
        pod(
            "noexec",
            "forever",
            "  nodeSelector: {disk: ssd}\n"
                + "  tolerations: [{key: maintenance, operator: Exists, effect: NoExecute}]\n"));
    for (String p : List.of("plain", "briefly", "forever")) {
      awaitRunning("noexec", p);
    }
    cluster.ok("taint", "nodes", "hollow-node-0", "maintenance=now:NoExecute");
    HollowCluster.await(
        WAIT, "plain and briefly evicted", () -> podNames("noexec").equals(Set.of("forever")));
    assertThat(eventMessages("noexec", "plain", "TaintManagerEviction"))
        .containsExactly("Marking for deletion Pod noexec/plain");
    cluster.ok("taint", "nodes", "hollow-node-0", "maintenance-");
    assertThat(cluster.getJson("node", "hollow-node-0").path("spec").path("taints").size())
        .isZero();
  }

  // ---- helpers ----

  private static void ns(String name) {
    cluster.ok("create", "namespace", name);
  }

  private static String pod(String ns, String name, String specExtra) {
    return pod(ns, name, specExtra, "", "64Mi");
  }

  private static String pod(String ns, String name, String specExtra, String label) {
    return pod(ns, name, specExtra, label, "64Mi");
  }

  private static String pod(String ns, String name, String specExtra, String label, String memory) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + ns
        + "\n"
        + (label.isEmpty() ? "" : "  labels: {" + label + "}\n")
        + "spec:\n"
        + specExtra
        + "  containers:\n  - name: c\n    image: nginx\n    resources: {requests: {cpu: 100m,"
        + " memory: "
        + memory
        + "}}\n";
  }

  private static String rawPod(String ns, String name, String spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: "
        + name
        + ", namespace: "
        + ns
        + "}\nspec:\n"
        + spec;
  }

  private static String nodeOf(String ns, String pod) {
    return nodeName(cluster.getJson("pod", pod, "-n", ns));
  }

  private static String nodeName(JsonNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }

  private static String awaitNode(String ns, String pod) {
    HollowCluster.await(WAIT, ns + "/" + pod + " bound", () -> !nodeOf(ns, pod).isEmpty());
    return nodeOf(ns, pod);
  }

  private static void awaitRunning(String ns, String pod) {
    HollowCluster.await(
        WAIT,
        ns + "/" + pod + " Running",
        () ->
            cluster
                .getJson("pod", pod, "-n", ns)
                .path("status")
                .path("phase")
                .asText()
                .equals("Running"));
  }

  private static List<JsonNode> podsIn(String ns) {
    List<JsonNode> out = new ArrayList<>();
    cluster.getJson("pods", "-n", ns).path("items").forEach(out::add);
    return out;
  }

  private static Set<String> podNames(String ns) {
    Set<String> out = new HashSet<>();
    podsIn(ns).forEach(p -> out.add(p.path("metadata").path("name").asText()));
    return out;
  }

  private static List<String> eventMessages(String ns, String pod, String reason) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : cluster.getJson("events", "-n", ns).path("items")) {
      if (e.path("involvedObject").path("name").asText().equals(pod)
          && e.path("reason").asText().equals(reason)) {
        out.add(e.path("message").asText());
      }
    }
    return out;
  }

  private static String awaitFailedScheduling(String ns, String pod) {
    HollowCluster.await(
        WAIT,
        "a FailedScheduling event for " + ns + "/" + pod,
        () -> !eventMessages(ns, pod, "FailedScheduling").isEmpty());
    List<String> messages = eventMessages(ns, pod, "FailedScheduling");
    return messages.get(messages.size() - 1);
  }

  private static JsonNode condition(JsonNode pod, String type) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    throw new AssertionError("no " + type + " condition in " + pod.path("status"));
  }
}
