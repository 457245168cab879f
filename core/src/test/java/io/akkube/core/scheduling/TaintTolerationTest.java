package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.scores;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import org.junit.jupiter.api.Test;

class TaintTolerationTest {

  private static NodeInfo tainted(String name, String taints) {
    return node("{metadata: {name: %s}, spec: {taints: [%s]}}".formatted(name, taints));
  }

  private static PodInfo tolerating(String tolerations) {
    return pod("{metadata: {name: p}, spec: {tolerations: [%s]}}".formatted(tolerations));
  }

  private final TaintToleration plugin = new TaintToleration();

  @Test
  void anUntoleratedNoScheduleTaintRejectsWithKubesWording() {
    NodeInfo cp = tainted("cp", "{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}");
    Status s = filter(plugin, pod("metadata: {name: p}"), cp);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons())
        .containsExactly("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }");
  }

  @Test
  void noExecuteRejectsAndPreferNoScheduleDoesNot() {
    assertThat(
            filter(
                    plugin,
                    pod("metadata: {name: p}"),
                    tainted("n", "{key: k, value: v, effect: NoExecute}"))
                .reasons())
        .containsExactly("node(s) had untolerated taint {k: v}");
    assertThat(
            filter(
                    plugin,
                    pod("metadata: {name: p}"),
                    tainted("n", "{key: k, value: v, effect: PreferNoSchedule}"))
                .isSuccess())
        .isTrue();
  }

  @Test
  void theFirstUntoleratedTaintInNodeOrderIsReported() {
    NodeInfo n =
        tainted(
            "n",
            "{key: a, value: '1', effect: NoSchedule}, {key: b, value: '2', effect: NoSchedule}");
    assertThat(filter(plugin, tolerating("{key: a, value: '1'}"), n).reasons())
        .containsExactly("node(s) had untolerated taint {b: 2}");
  }

  @Test
  void tolerationOperatorsKeysAndEffects() {
    NodeInfo n = tainted("n", "{key: gpu, value: 'true', effect: NoSchedule}");
    assertThat(
            filter(plugin, tolerating("{key: gpu, operator: Equal, value: 'true'}"), n).isSuccess())
        .isTrue();
    assertThat(filter(plugin, tolerating("{key: gpu, value: 'true'}"), n).isSuccess()).isTrue();
    assertThat(filter(plugin, tolerating("{key: gpu, value: 'false'}"), n).isSuccess()).isFalse();
    assertThat(filter(plugin, tolerating("{key: gpu, operator: Exists}"), n).isSuccess()).isTrue();
    assertThat(filter(plugin, tolerating("{operator: Exists}"), n).isSuccess()).isTrue();
    assertThat(
            filter(plugin, tolerating("{key: gpu, operator: Exists, effect: NoExecute}"), n)
                .isSuccess())
        .isFalse();
    assertThat(
            filter(plugin, tolerating("{key: gpu, operator: Exists, effect: NoSchedule}"), n)
                .isSuccess())
        .isTrue();
    assertThat(filter(plugin, tolerating("{key: other, operator: Exists}"), n).isSuccess())
        .isFalse();
  }

  @Test
  void preferNoScheduleTaintsLowerTheScoreReversedAndNormalized() {
    NodeInfo clean = node("metadata: {name: clean}");
    NodeInfo one = tainted("one", "{key: a, effect: PreferNoSchedule}");
    NodeInfo two =
        tainted(
            "two",
            "{key: a, effect: PreferNoSchedule}, {key: b, effect: PreferNoSchedule},"
                + " {key: c, effect: NoSchedule}");
    assertThat(scores(plugin, pod("metadata: {name: p}"), snapshot(clean, one, two)))
        .containsExactly(100, 50, 0);
    // A toleration limited to NoSchedule does not help against PreferNoSchedule.
    PodInfo tolerant = tolerating("{key: a, operator: Exists, effect: NoSchedule}");
    assertThat(scores(plugin, tolerant, snapshot(clean, one, two))).containsExactly(100, 50, 0);
    PodInfo tolerantAll = tolerating("{key: a, operator: Exists}");
    assertThat(scores(plugin, tolerantAll, snapshot(clean, one, two))).containsExactly(100, 100, 0);
    assertThat(scores(plugin, pod("metadata: {name: p}"), snapshot(clean, clean)))
        .containsExactly(100, 100);
  }
}
