package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.requesting;
import static io.akkube.core.scheduling.Fixtures.sized;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulingAlgorithmTest {

  private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();

  private static final NodeInfo CONTROL_PLANE =
      node(
          """
          metadata: {name: cp, labels: {kubernetes.io/hostname: cp}}
          spec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}
          status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}
          """);

  private static ScheduleResult.Unschedulable unschedulable(ScheduleResult r) {
    assertThat(r).isInstanceOf(ScheduleResult.Unschedulable.class);
    return (ScheduleResult.Unschedulable) r;
  }

  @Test
  void aPodTooBigForEveryWorkerGetsKubesFailedSchedulingMessage() {
    ClusterSnapshot snap =
        snapshot(CONTROL_PLANE, sized("w1", "4", "4Gi", 110), sized("w2", "4", "4Gi", 110));
    var r =
        unschedulable(algorithm.schedule(requesting("big", "100m", "5Gi"), snap, new Random(1)));
    assertThat(r.message())
        .isEqualTo(
            "0/3 nodes are available: 1 node(s) had untolerated taint"
                + " {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory."
                + " preemption: 0/3 nodes are available: 1 Preemption is not helpful for"
                + " scheduling, 2 No preemption victims found for incoming pod..");
    assertThat(r.nomination()).isEmpty();
    assertThat(algorithm.schedule(requesting("small", "100m", "200Mi"), snap, new Random(1)))
        .isInstanceOf(ScheduleResult.Scheduled.class);
  }

  @Test
  void preemptionThatCannotMakeRoomReportsTheFiltersReasons() {
    PodInfo low = requesting("low", "100m", "1Gi");
    PodInfo high =
        pod(
            """
            metadata: {name: high, namespace: default, uid: high}
            spec:
              priority: 1000
              containers: [{name: c, resources: {requests: {memory: 5Gi}}}]
            """);
    ClusterSnapshot snap =
        snapshot(
            CONTROL_PLANE, sized("w1", "4", "4Gi", 110).withPod(low), sized("w2", "4", "4Gi", 110));
    assertThat(unschedulable(algorithm.schedule(high, snap, new Random(1))).message())
        .isEqualTo(
            "0/3 nodes are available: 1 node(s) had untolerated taint"
                + " {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory."
                + " preemption: 0/3 nodes are available: 1 Insufficient memory, 1 No preemption"
                + " victims found for incoming pod, 1 Preemption is not helpful for scheduling..");
  }

  @Test
  void preemptionNominatesTheNodeWithTheLeastImportantVictims() {
    PodInfo important = priority(requesting("imp", "100m", "3Gi"), 500);
    PodInfo cheap = priority(requesting("cheap", "100m", "3Gi"), 10);
    PodInfo tiny = priority(requesting("tiny", "100m", "100Mi"), 5);
    NodeInfo w1 = sized("w1", "4", "4Gi", 110).withPod(important);
    NodeInfo w2 = sized("w2", "4", "4Gi", 110).withPod(cheap).withPod(tiny);
    PodInfo high = priority(requesting("high", "100m", "2Gi"), 1000);
    var r = unschedulable(algorithm.schedule(high, snapshot(w1, w2), new Random(3)));
    assertThat(r.message()).isEqualTo("0/2 nodes are available: 2 Insufficient memory.");
    assertThat(r.nomination()).isPresent();
    assertThat(r.nomination().get().nodeName()).isEqualTo("w2");
    // tiny is reprieved: evicting cheap alone makes room.
    assertThat(r.nomination().get().victims()).extracting(PodInfo::name).containsExactly("cheap");
  }

  @Test
  void podsThatMustNotPreemptSaySo() {
    PodInfo never =
        pod(
            """
            metadata: {name: n, namespace: default, uid: n}
            spec:
              priority: 1000
              preemptionPolicy: Never
              containers: [{name: c, resources: {requests: {memory: 5Gi}}}]
            """);
    assertThat(
            unschedulable(
                    algorithm.schedule(never, snapshot(sized("w", "4", "4Gi", 110)), new Random(1)))
                .message())
        .isEqualTo(
            "0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to"
                + " preemptionPolicy=Never..");
  }

  @Test
  void reasonsAreSortedAsStringsSoTenComesBeforeTwo() {
    NodeInfo[] nodes = new NodeInfo[12];
    for (int i = 0; i < 10; i++) {
      nodes[i] = node("{metadata: {name: c%d}, spec: {unschedulable: true}}".formatted(i));
    }
    nodes[10] = sized("w1", "1", "1Gi", 110);
    nodes[11] = sized("w2", "1", "1Gi", 110);
    var r =
        unschedulable(
            algorithm.schedule(
                pod("{metadata: {name: p, uid: p}, spec: {nodeSelector: {gpu: 'yes'}}}"),
                snapshot(nodes),
                new Random(1)));
    assertThat(r.message())
        .startsWith(
            "0/12 nodes are available: 10 node(s) were unschedulable, 2 node(s) didn't match"
                + " Pod's node affinity/selector. preemption: 0/12 nodes are available: 12"
                + " Preemption is not helpful for scheduling..");
  }

  @Test
  void aPreFilterRejectionIsReportedOnceForAllNodes() {
    PodInfo conflicting =
        pod(
            """
            metadata: {name: p, uid: p}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchFields:
                      - {key: metadata.name, operator: In, values: [w1]}
                      - {key: metadata.name, operator: In, values: [w2]}
            """);
    ClusterSnapshot snap = snapshot(sized("w1", "1", "1Gi", 10), sized("w2", "1", "1Gi", 10));
    assertThat(unschedulable(algorithm.schedule(conflicting, snap, new Random(1))).message())
        .isEqualTo(
            "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are"
                + " available: 2 Preemption is not helpful for scheduling..");
  }

  @Test
  void nodesCutByNodeAffinityNamesCountAsNotSatisfyingThePlugin() {
    PodInfo pinned =
        pod(
            """
            metadata: {name: p, uid: p}
            spec:
              containers: [{name: c, resources: {requests: {memory: 2Gi}}}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchFields: [{key: metadata.name, operator: In, values: [w1]}]
            """);
    ClusterSnapshot snap =
        snapshot(
            sized("w1", "1", "1Gi", 10), sized("w2", "1", "4Gi", 10), sized("w3", "1", "4Gi", 10));
    assertThat(unschedulable(algorithm.schedule(pinned, snap, new Random(1))).message())
        .startsWith(
            "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s)"
                + " [NodeAffinity].");
  }

  @Test
  void noNodesAtAll() {
    assertThat(
            unschedulable(algorithm.schedule(requesting("p", "1", "1"), snapshot(), new Random(1)))
                .message())
        .isEqualTo("no nodes available to schedule pods");
  }

  @Test
  void theLeastAllocatedNodeWins() {
    NodeInfo busy = sized("busy", "4", "8Gi", 110).withPod(requesting("x", "3", "6Gi"));
    NodeInfo idle = sized("idle", "4", "8Gi", 110);
    var r = algorithm.schedule(requesting("p", "500m", "1Gi"), snapshot(busy, idle), new Random(1));
    assertThat(r).isEqualTo(new ScheduleResult.Scheduled("idle", 2, 2, 0));
  }

  @Test
  void tiesAreBrokenByTheSeededRandomAndEveryTiedNodeCanWin() {
    ClusterSnapshot snap =
        snapshot(
            sized("a", "4", "8Gi", 110), sized("b", "4", "8Gi", 110), sized("c", "4", "8Gi", 110));
    Set<String> winners = new HashSet<>();
    Random random = new Random(42);
    for (int attempt = 0; attempt < 50; attempt++) {
      var r =
          (ScheduleResult.Scheduled) algorithm.schedule(requesting("p", "1", "1Gi"), snap, random);
      winners.add(r.nodeName());
    }
    assertThat(winners).containsExactlyInAnyOrder("a", "b", "c");
    var once = algorithm.schedule(requesting("p", "1", "1Gi"), snap, new Random(7));
    assertThat(algorithm.schedule(requesting("p", "1", "1Gi"), snap, new Random(7)))
        .isEqualTo(once);
  }

  @Test
  void weightsCombinePlugins() {
    // Preferred node affinity (weight 2) outweighs LeastAllocated (weight 1).
    NodeInfo ssdBusy =
        node("""
                metadata: {name: ssd, labels: {disk: ssd}}
                status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
                """)
            .withPod(requesting("x", "2", "4Gi"));
    NodeInfo idle = sized("idle", "4", "8Gi", 110);
    PodInfo p =
        pod(
            """
            metadata: {name: p, uid: p}
            spec:
              containers: [{name: c, resources: {requests: {cpu: 100m, memory: 100Mi}}}]
              affinity:
                nodeAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - {weight: 1, preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}}
            """);
    var r =
        (ScheduleResult.Scheduled) algorithm.schedule(p, snapshot(ssdBusy, idle), new Random(1));
    assertThat(r.nodeName()).isEqualTo("ssd");
  }

  @Test
  void theNominatedNodeIsTriedFirst() {
    NodeInfo idle = sized("idle", "4", "8Gi", 110);
    NodeInfo busy = sized("busy", "4", "8Gi", 110).withPod(requesting("x", "3", "6Gi"));
    PodInfo nominated =
        pod(
            """
            metadata: {name: p, uid: p}
            spec: {containers: [{name: c, resources: {requests: {cpu: 100m}}}]}
            status: {nominatedNodeName: busy}
            """);
    assertThat(algorithm.schedule(nominated, snapshot(idle, busy), new Random(1)))
        .isEqualTo(new ScheduleResult.Scheduled("busy", 1, 1, 0));
  }

  @Test
  void largeClustersFilterOnlyEnoughNodesAndRotateTheStart() {
    assertThat(SchedulingAlgorithm.numFeasibleNodesToFind(50)).isEqualTo(50);
    assertThat(SchedulingAlgorithm.numFeasibleNodesToFind(200)).isEqualTo(100);
    assertThat(SchedulingAlgorithm.numFeasibleNodesToFind(1000)).isEqualTo(420);
    assertThat(SchedulingAlgorithm.numFeasibleNodesToFind(5000)).isEqualTo(500);
    assertThat(SchedulingAlgorithm.numFeasibleNodesToFind(10000)).isEqualTo(500);
    NodeInfo[] nodes = new NodeInfo[300];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = sized("n" + i, "4", "8Gi", 110);
    }
    var r =
        (ScheduleResult.Scheduled)
            algorithm.schedule(requesting("p", "1", "1Gi"), snapshot(nodes), 250, new Random(1));
    // 300 nodes: 50 - 300 / 125 = 48 % of them, and the next search starts after those.
    assertThat(r.feasibleNodes()).isEqualTo(144);
    assertThat(r.nextStartNodeIndex()).isEqualTo((250 + 144) % 300);
  }

  @Test
  void fitErrorMessagesAreTruncatedForEvents() {
    FitError huge =
        new FitError(
            1, Map.of("n", Status.unschedulable("x".repeat(2000))), Optional.empty(), "", "");
    assertThat(huge.eventMessage()).hasSize(1024).endsWith(" ...");
  }

  private static PodInfo priority(PodInfo p, int priority) {
    return new PodInfo(
        p.name(),
        p.namespace(),
        p.uid(),
        p.labels(),
        p.nodeName(),
        p.nominatedNodeName(),
        priority,
        p.preemptionPolicy(),
        p.schedulerName(),
        p.terminating(),
        p.nodeSelector(),
        p.requiredNodeAffinity(),
        p.preferredNodeAffinity(),
        p.requiredAffinityTerms(),
        p.preferredAffinityTerms(),
        p.requiredAntiAffinityTerms(),
        p.preferredAntiAffinityTerms(),
        p.tolerations(),
        p.topologySpreadConstraints(),
        p.requests(),
        p.nonZeroMilliCpu(),
        p.nonZeroMemory(),
        List.copyOf(p.hostPorts()));
  }
}
