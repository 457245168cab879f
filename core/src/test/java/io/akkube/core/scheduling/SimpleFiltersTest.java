package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import org.junit.jupiter.api.Test;

/** NodeName, NodeUnschedulable and NodePorts. */
class SimpleFiltersTest {

  private static final NodeInfo N1 = node("metadata: {name: n1}");
  private static final NodeInfo CORDONED =
      node("{metadata: {name: n2}, spec: {unschedulable: true}}");

  @Test
  void aPodNamingANodeFitsOnlyThatNode() {
    PodInfo pinned = pod("{metadata: {name: p}, spec: {nodeName: n1}}");
    assertThat(filter(new NodeName(), pinned, N1).isSuccess()).isTrue();
    Status other = filter(new NodeName(), pinned, CORDONED);
    assertThat(other.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(other.reasons()).containsExactly("node(s) didn't match the requested node name");
    assertThat(filter(new NodeName(), pod("metadata: {name: p}"), CORDONED).isSuccess()).isTrue();
  }

  @Test
  void aCordonedNodeTakesOnlyPodsToleratingTheUnschedulableTaint() {
    Status s = filter(new NodeUnschedulable(), pod("metadata: {name: p}"), CORDONED);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons()).containsExactly("node(s) were unschedulable");

    PodInfo tolerant =
        pod(
            """
            metadata: {name: p}
            spec:
              tolerations:
              - {key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}
            """);
    assertThat(filter(new NodeUnschedulable(), tolerant, CORDONED).isSuccess()).isTrue();
    PodInfo wrongEffect =
        pod(
            """
            metadata: {name: p}
            spec:
              tolerations:
              - {key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoExecute}
            """);
    assertThat(filter(new NodeUnschedulable(), wrongEffect, CORDONED).isSuccess()).isFalse();
    assertThat(filter(new NodeUnschedulable(), pod("metadata: {name: p}"), N1).isSuccess())
        .isTrue();
  }

  private static PodInfo withPort(String uid, String port) {
    return pod(
        """
        metadata: {name: %s, namespace: default, uid: %s}
        spec:
          containers:
          - name: c
            ports: [%s]
        """
            .formatted(uid, uid, port));
  }

  @Test
  void hostPortsConflictOnSameProtocolAndPortWhenEitherSideBindsAllAddresses() {
    NodeInfo busy = N1.withPod(withPort("a", "{containerPort: 80, hostPort: 8080}"));
    Status clash =
        filter(new NodePorts(), withPort("b", "{containerPort: 1, hostPort: 8080}"), busy);
    assertThat(clash.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(clash.reasons())
        .containsExactly("node(s) didn't have free ports for the requested pod ports");

    assertThat(
            filter(
                    new NodePorts(),
                    withPort("b", "{containerPort: 1, hostPort: 8080, protocol: UDP}"),
                    busy)
                .isSuccess())
        .isTrue();
    assertThat(
            filter(
                    new NodePorts(),
                    withPort("b", "{containerPort: 1, hostPort: 8080, hostIP: 10.0.0.1}"),
                    busy)
                .isSuccess())
        .isFalse();

    NodeInfo specific =
        N1.withPod(withPort("a", "{containerPort: 80, hostPort: 8080, hostIP: 10.0.0.1}"));
    assertThat(
            filter(
                    new NodePorts(),
                    withPort("b", "{containerPort: 1, hostPort: 8080, hostIP: 10.0.0.2}"),
                    specific)
                .isSuccess())
        .isTrue();
    assertThat(
            filter(new NodePorts(), withPort("b", "{containerPort: 1, hostPort: 8080}"), specific)
                .isSuccess())
        .isFalse();
  }

  @Test
  void processRuntimePodsClaimTheirContainerPorts() {
    var tree =
        Fixtures.yaml(
            """
            metadata: {name: a, namespace: default, uid: a}
            spec: {containers: [{name: c, ports: [{containerPort: 9000}]}]}
            """);
    NodeInfo withProcess = N1.withPod(PodInfo.of(tree, true));
    PodInfo wants9000 = PodInfo.of(tree.deepCopy(), true);
    assertThat(filter(new NodePorts(), wants9000, withProcess).isSuccess()).isFalse();
    NodeInfo withContainer = N1.withPod(PodInfo.of(tree));
    assertThat(filter(new NodePorts(), wants9000, withContainer).isSuccess()).isTrue();
    assertThat(withProcess.withoutPod("a").usedPorts()).isEmpty();
  }

  @Test
  void podsWithoutHostPortsSkipTheCheck() {
    NodeInfo busy = N1.withPod(withPort("a", "{containerPort: 80, hostPort: 80}"));
    CycleState state = new CycleState();
    assertThat(
            new NodePorts()
                .preFilter(state, withPort("b", "{containerPort: 80}"), snapshot(busy))
                .isSkip())
        .isTrue();
  }
}
