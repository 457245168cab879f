package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.scores;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeAffinityTest {

  private final NodeAffinity plugin = new NodeAffinity();

  private static final NodeInfo ZONE_A =
      node("metadata: {name: a1, labels: {zone: a, disk: ssd, cores: '8'}}");
  private static final NodeInfo ZONE_B =
      node("metadata: {name: b1, labels: {zone: b, cores: '4'}}");

  private static PodInfo required(String terms) {
    return pod(
        """
        metadata: {name: p}
        spec:
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms: [%s]
        """
            .formatted(terms));
  }

  private boolean fits(PodInfo p, NodeInfo n) {
    return filter(plugin, p, n, snapshot(ZONE_A, ZONE_B)).isSuccess();
  }

  @Test
  void nodeSelectorNeedsEveryLabel() {
    PodInfo p = pod("{metadata: {name: p}, spec: {nodeSelector: {zone: a, disk: ssd}}}");
    assertThat(fits(p, ZONE_A)).isTrue();
    Status s = filter(plugin, p, ZONE_B);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons()).containsExactly("node(s) didn't match Pod's node affinity/selector");
  }

  @Test
  void operators() {
    assertThat(
            fits(
                required("{matchExpressions: [{key: zone, operator: In, values: [a, c]}]}"),
                ZONE_A))
        .isTrue();
    assertThat(
            fits(required("{matchExpressions: [{key: zone, operator: In, values: [c]}]}"), ZONE_A))
        .isFalse();
    assertThat(
            fits(
                required("{matchExpressions: [{key: disk, operator: NotIn, values: [ssd]}]}"),
                ZONE_A))
        .isFalse();
    assertThat(
            fits(
                required("{matchExpressions: [{key: disk, operator: NotIn, values: [ssd]}]}"),
                ZONE_B))
        .isTrue();
    assertThat(fits(required("{matchExpressions: [{key: disk, operator: Exists}]}"), ZONE_A))
        .isTrue();
    assertThat(fits(required("{matchExpressions: [{key: disk, operator: Exists}]}"), ZONE_B))
        .isFalse();
    assertThat(fits(required("{matchExpressions: [{key: disk, operator: DoesNotExist}]}"), ZONE_B))
        .isTrue();
    assertThat(
            fits(
                required("{matchExpressions: [{key: cores, operator: Gt, values: ['4']}]}"),
                ZONE_A))
        .isTrue();
    assertThat(
            fits(
                required("{matchExpressions: [{key: cores, operator: Gt, values: ['4']}]}"),
                ZONE_B))
        .isFalse();
    assertThat(
            fits(
                required("{matchExpressions: [{key: cores, operator: Lt, values: ['8']}]}"),
                ZONE_B))
        .isTrue();
    assertThat(
            fits(
                required("{matchExpressions: [{key: cores, operator: Lt, values: ['8']}]}"),
                ZONE_A))
        .isFalse();
    // Gt on a non-numeric label or with a non-integer value matches nothing.
    assertThat(
            fits(
                required("{matchExpressions: [{key: zone, operator: Gt, values: ['1']}]}"), ZONE_A))
        .isFalse();
    assertThat(
            fits(required("{matchExpressions: [{key: cores, operator: Gt, values: [x]}]}"), ZONE_A))
        .isFalse();
  }

  @Test
  void termsAreOredRequirementsAndedAndAnEmptyTermMatchesNothing() {
    String zoneC = "{matchExpressions: [{key: zone, operator: In, values: [c]}]}";
    String zoneB = "{matchExpressions: [{key: zone, operator: In, values: [b]}]}";
    assertThat(fits(required(zoneC + ", " + zoneB), ZONE_B)).isTrue();
    assertThat(
            fits(
                required(
                    "{matchExpressions: [{key: zone, operator: In, values: [a]},"
                        + " {key: disk, operator: DoesNotExist}]}"),
                ZONE_A))
        .isFalse();
    assertThat(fits(required("{}"), ZONE_A)).isFalse();
  }

  @Test
  void matchFieldsOnMetadataNameNarrowsTheCandidatesInPreFilter() {
    PodInfo p = required("{matchFields: [{key: metadata.name, operator: In, values: [b1]}]}");
    assertThat(fits(p, ZONE_B)).isTrue();
    assertThat(fits(p, ZONE_A)).isFalse();
    CycleState state = new CycleState();
    assertThat(plugin.preFilter(state, p, snapshot(ZONE_A, ZONE_B)).isSuccess()).isTrue();
    assertThat(plugin.preFilterNodeNames(state, p)).contains(Set.of("b1"));

    PodInfo notIn =
        required("{matchFields: [{key: metadata.name, operator: NotIn, values: [b1]}]}");
    assertThat(fits(notIn, ZONE_A)).isTrue();
    assertThat(fits(notIn, ZONE_B)).isFalse();
  }

  @Test
  void termsPinningDisjointNamesRejectThePodInPreFilter() {
    PodInfo p =
        required(
            "{matchFields: [{key: metadata.name, operator: In, values: [a1]},"
                + " {key: metadata.name, operator: In, values: [b1]}]}");
    Status s = plugin.preFilter(new CycleState(), p, snapshot(ZONE_A, ZONE_B));
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons()).containsExactly("pod affinity terms conflict");
  }

  @Test
  void podsWithoutSelectorOrRequiredAffinitySkip() {
    assertThat(plugin.preFilter(new CycleState(), pod("metadata: {name: p}"), snapshot()).isSkip())
        .isTrue();
  }

  @Test
  void preferredTermsAddTheirWeightsAndAreNormalizedToTheBest() {
    PodInfo p =
        pod(
            """
            metadata: {name: p}
            spec:
              affinity:
                nodeAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 30
                    preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}
                  - weight: 10
                    preference: {matchExpressions: [{key: cores, operator: Exists}]}
                  - weight: 50
                    preference: {}
            """);
    NodeInfo bare = node("metadata: {name: c1}");
    // Raw 40, 10, 0 -> 100, 25, 0.
    assertThat(scores(plugin, p, snapshot(ZONE_A, ZONE_B, bare))).containsExactly(100, 25, 0);
    assertThat(scores(plugin, pod("metadata: {name: q}"), snapshot(ZONE_A, ZONE_B)))
        .containsExactly(0, 0);
  }
}
