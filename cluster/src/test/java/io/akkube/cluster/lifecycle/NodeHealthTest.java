package io.akkube.cluster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.lifecycle.NodeHealth.Observation;
import io.akkube.cluster.lifecycle.NodeHealth.Transition;
import io.akkube.core.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeHealthTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(40);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void aNodeHeardWithinTheGracePeriodStaysAsItIs() {
    var o = new Observation(false, Optional.of(at(10)), T0);
    assertThat(NodeHealth.decide(o, at(50), GRACE)).isEqualTo(Transition.NONE);
  }

  @Test
  void aNodeSilentLongerThanTheGracePeriodGoesUnknown() {
    var o = new Observation(false, Optional.of(at(10)), T0);
    assertThat(NodeHealth.decide(o, at(51), GRACE)).isEqualTo(Transition.TO_UNKNOWN);
  }

  @Test
  void afterAFailOverEveryNodeGetsAFreshGracePeriod() {
    // the new singleton never heard the node; it watches it from its own start
    var o = new Observation(false, Optional.empty(), at(100));
    assertThat(NodeHealth.decide(o, at(139), GRACE)).isEqualTo(Transition.NONE);
    assertThat(NodeHealth.decide(o, at(141), GRACE)).isEqualTo(Transition.TO_UNKNOWN);
  }

  @Test
  void aNodeAlreadyMarkedIsNotMarkedAgain() {
    var o = new Observation(true, Optional.of(at(10)), T0);
    assertThat(NodeHealth.decide(o, at(500), GRACE)).isEqualTo(Transition.NONE);
  }

  @Test
  void aMarkedNodeThatHeartbeatsAgainGoesReady() {
    var o = new Observation(true, Optional.of(at(499)), T0);
    assertThat(NodeHealth.decide(o, at(500), GRACE)).isEqualTo(Transition.TO_READY);
  }

  @Test
  void aMarkedNodeFoundAfterAFailOverStaysMarkedUntilItHeartbeats() {
    var o = new Observation(true, Optional.empty(), at(100));
    assertThat(NodeHealth.decide(o, at(101), GRACE)).isEqualTo(Transition.NONE);
  }

  @Test
  void unknownStatusSetsEveryConditionUnknownWithKubesMessage() throws Exception {
    ObjectNode status =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},"
                    + "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\"}]}");
    ObjectNode unknown = NodeHealth.unknownStatus(status, at(5));
    for (var c : unknown.path("conditions")) {
      assertThat(c.path("status").asText()).isEqualTo("Unknown");
      assertThat(c.path("reason").asText()).isEqualTo("NodeStatusUnknown");
      assertThat(c.path("message").asText()).isEqualTo("Kubelet stopped posting node status.");
    }
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.set("status", unknown);
    assertThat(NodeHealth.markedUnknown(node)).isTrue();
    ObjectNode ready = NodeHealth.readyStatus(unknown, at(9));
    assertThat(ready.path("conditions").get(1).path("status").asText()).isEqualTo("True");
    assertThat(ready.path("conditions").get(0).path("status").asText()).isEqualTo("False");
    node.set("status", ready);
    assertThat(NodeHealth.markedUnknown(node)).isFalse();
  }

  @Test
  void unreachableTaintsAreAddedOnceAndRemovedWithoutTouchingOthers() throws Exception {
    ObjectNode spec =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"taints\":[{\"key\":\"dedicated\",\"value\":\"infra\",\"effect\":\"NoSchedule\"}]}");
    ObjectNode tainted =
        NodeHealth.withUnreachableTaints(NodeHealth.withUnreachableTaints(spec, at(1)), at(2));
    assertThat(tainted.path("taints")).hasSize(3);
    assertThat(tainted.path("taints").get(2).path("effect").asText()).isEqualTo("NoExecute");
    assertThat(NodeHealth.hasUnreachableTaint(tainted)).isTrue();
    ObjectNode cleared = NodeHealth.withoutUnreachableTaints(tainted);
    assertThat(cleared).isEqualTo(spec);
    assertThat(NodeHealth.withoutUnreachableTaints(Json.MAPPER.createObjectNode()))
        .isEqualTo(Json.MAPPER.createObjectNode());
  }

  @Test
  void onlyReadyPodsAreWrittenNotReady() throws Exception {
    ObjectNode ready =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}");
    assertThat(NodeHealth.podNotReady(ready, at(1)))
        .hasValueSatisfying(
            s ->
                assertThat(s.path("conditions").get(0).path("status").asText()).isEqualTo("False"));
    assertThat(NodeHealth.podNotReady(NodeHealth.podNotReady(ready, at(1)).get(), at(2))).isEmpty();
  }

  @Test
  void onlyNodesWhoseStatusAnAgentPostedAreWatchedBeforeTheyHeartbeat() throws Exception {
    ObjectNode posted =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                    + "\"reason\":\"KubeletReady\"}]}}");
    assertThat(NodeHealth.postedByAnAgent(posted)).isTrue();
    assertThat(NodeHealth.postedByAnAgent(Json.MAPPER.createObjectNode())).isFalse();
  }
}
