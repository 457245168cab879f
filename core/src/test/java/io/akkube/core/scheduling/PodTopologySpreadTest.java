package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.scores;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import org.junit.jupiter.api.Test;

class PodTopologySpreadTest {

  private final PodTopologySpread plugin = new PodTopologySpread();

  private static NodeInfo zoned(String name, String zone) {
    return node(
        "metadata: {name: %s, labels: {zone: %s, kubernetes.io/hostname: %s}}"
            .formatted(name, zone, name));
  }

  private static PodInfo web(String name) {
    return pod(
        "{metadata: {name: %s, uid: %s, namespace: default, labels: {app: web}}}"
            .formatted(name, name));
  }

  private static PodInfo spread(String constraint) {
    return pod(
        """
        metadata: {name: new, uid: new, namespace: default, labels: {app: web, rev: r2}}
        spec:
          topologySpreadConstraints:
          - %s
        """
            .formatted(constraint));
  }

  private static final String ZONE_HARD =
      "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,"
          + " labelSelector: {matchLabels: {app: web}}}";

  @Test
  void skewBeyondMaxSkewIsRejected() {
    NodeInfo a1 = zoned("a1", "a").withPod(web("w1")).withPod(web("w2"));
    NodeInfo b1 = zoned("b1", "b").withPod(web("w3"));
    ClusterSnapshot snap = snapshot(a1, b1);
    PodInfo p = spread(ZONE_HARD);
    // zone a: 2 + 1 - 1 = 2 > 1.
    Status s = filter(plugin, p, a1, snap);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(s.reasons()).containsExactly("node(s) didn't match pod topology spread constraints");
    assertThat(filter(plugin, p, b1, snap).isSuccess()).isTrue();
  }

  @Test
  void aNodeWithoutTheTopologyKeyIsUnresolvable() {
    NodeInfo bare = node("metadata: {name: x}");
    Status s = filter(plugin, spread(ZONE_HARD), bare, snapshot(zoned("a1", "a"), bare));
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons())
        .containsExactly(
            "node(s) didn't match pod topology spread constraints (missing required label)");
  }

  @Test
  void podsOfOtherNamespacesTerminatingPodsAndUnselectedPodsDoNotCount() {
    PodInfo otherNs = pod("{metadata: {name: o, uid: o, namespace: other, labels: {app: web}}}");
    PodInfo leaving =
        pod(
            "{metadata: {name: t, uid: t, namespace: default, labels: {app: web},"
                + " deletionTimestamp: '2024-01-01T00:00:00Z'}}");
    NodeInfo a1 = zoned("a1", "a").withPod(otherNs).withPod(leaving).withPod(web("w1"));
    NodeInfo b1 = zoned("b1", "b");
    assertThat(filter(plugin, spread(ZONE_HARD), a1, snapshot(a1, b1)).isSuccess()).isFalse();
    NodeInfo b2 = zoned("b1", "b").withPod(web("w2"));
    assertThat(filter(plugin, spread(ZONE_HARD), a1, snapshot(a1, b2)).isSuccess()).isTrue();
  }

  @Test
  void minDomainsTreatsTheMinimumAsZeroUntilEnoughDomainsExist() {
    NodeInfo a1 = zoned("a1", "a").withPod(web("w1"));
    NodeInfo b1 = zoned("b1", "b").withPod(web("w2"));
    ClusterSnapshot snap = snapshot(a1, b1);
    String constraint =
        "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 3,"
            + " labelSelector: {matchLabels: {app: web}}}";
    // 1 + 1 - 0 = 2 > 1 on both, as only 2 of the 3 domains exist.
    assertThat(filter(plugin, spread(constraint), a1, snap).isSuccess()).isFalse();
    assertThat(filter(plugin, spread(constraint), b1, snap).isSuccess()).isFalse();
    assertThat(filter(plugin, spread(ZONE_HARD), a1, snap).isSuccess()).isTrue();
  }

  @Test
  void nodesOutsideThePodsNodeAffinityDoNotFormDomainsByDefault() {
    // Zone c is empty but excluded by the nodeSelector, so the minimum is zone b's 1.
    NodeInfo a1 = zoned("a1", "a").withPod(web("w1")).withPod(web("w2"));
    NodeInfo b1 = zoned("b1", "b").withPod(web("w3"));
    NodeInfo c1 = node("metadata: {name: c1, labels: {zone: c, pool: gpu}}");
    PodInfo p =
        pod(
            """
            metadata: {name: new, uid: new, namespace: default, labels: {app: web}}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions: [{key: pool, operator: DoesNotExist}]
              topologySpreadConstraints:
              - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,
                 labelSelector: {matchLabels: {app: web}}}
            """);
    assertThat(filter(plugin, p, b1, snapshot(a1, b1, c1)).isSuccess()).isTrue();
    PodInfo ignoring =
        spread(
            "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,"
                + " nodeAffinityPolicy: Ignore, labelSelector: {matchLabels: {app: web}}}");
    // Counting zone c (0 pods): zone b would be 1 + 1 - 0 = 2.
    assertThat(filter(plugin, ignoring, b1, snapshot(a1, b1, c1)).isSuccess()).isFalse();
  }

  @Test
  void matchLabelKeysNarrowTheSelectorToThePodsOwnValues() {
    PodInfo oldRev =
        pod("{metadata: {name: o, uid: o, namespace: default, labels: {app: web, rev: r1}}}");
    NodeInfo a1 = zoned("a1", "a").withPod(oldRev).withPod(web("w"));
    NodeInfo b1 = zoned("b1", "b");
    String byRev =
        "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, matchLabelKeys: [rev],"
            + " labelSelector: {matchLabels: {app: web}}}";
    assertThat(filter(plugin, spread(byRev), a1, snapshot(a1, b1)).isSuccess()).isTrue();
    assertThat(filter(plugin, spread(ZONE_HARD), a1, snapshot(a1, b1)).isSuccess()).isFalse();
  }

  @Test
  void scheduleAnywayScoresFewerMatchingPodsHigher() {
    NodeInfo a1 = zoned("a1", "a").withPod(web("w1")).withPod(web("w2"));
    NodeInfo a2 = zoned("a2", "a");
    NodeInfo b1 = zoned("b1", "b");
    NodeInfo bare = node("metadata: {name: x}");
    PodInfo p =
        spread(
            "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway,"
                + " labelSelector: {matchLabels: {app: web}}}");
    // weight ln(2 + 2) = 1.386: zone a 2 * 1.386 = 2.77 -> 3, zone b 0; bare node ignored.
    // normalized: 100 * (3 + 0 - s) / 3.
    assertThat(scores(plugin, p, snapshot(a1, a2, b1, bare))).containsExactly(0, 0, 100, 0);
    assertThat(
            plugin
                .preScore(new CycleState(), spread(ZONE_HARD), snapshot(a1).nodes(), snapshot(a1))
                .isSkip())
        .isTrue();
  }

  @Test
  void hostnameSpreadCountsEachNodesOwnPods() {
    NodeInfo a1 = zoned("a1", "a").withPod(web("w1")).withPod(web("w2"));
    NodeInfo a2 = zoned("a2", "a").withPod(web("w3"));
    NodeInfo b1 = zoned("b1", "b");
    PodInfo p =
        spread(
            "{maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway,"
                + " labelSelector: {matchLabels: {app: web}}}");
    // weight ln(3 + 2) = 1.609; raw = count * 1.609 + 1: 4.22 -> 4, 2.61 -> 3, 1.
    // normalized 100 * (4 + 1 - s) / 4: 25, 50, 100.
    assertThat(scores(plugin, p, snapshot(a1, a2, b1))).containsExactly(25, 50, 100);
  }
}
