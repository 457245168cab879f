package io.akkube.core.disruption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisruptionBudgetTest {

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private static ObjectNode pod(String name, boolean ready) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    Json.meta(pod).put("name", name).put("namespace", "ns").putObject("labels").put("app", "web");
    pod.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", ready ? "True" : "False");
    return pod;
  }

  private static ObjectNode pdb(String field, Object value) {
    ObjectNode pdb = Json.MAPPER.createObjectNode();
    Json.meta(pdb).put("name", "b").put("namespace", "ns");
    ObjectNode spec = pdb.putObject("spec");
    spec.putObject("selector").putObject("matchLabels").put("app", "web");
    if (value instanceof Integer i) {
      spec.put(field, i);
    } else {
      spec.put(field, (String) value);
    }
    return pdb;
  }

  private static List<ObjectNode> pods(int ready, int unready) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < ready; i++) {
      out.add(pod("r" + i, true));
    }
    for (int i = 0; i < unready; i++) {
      out.add(pod("u" + i, false));
    }
    return out;
  }

  @Test
  void minAvailableLeavesTheHealthySurplusToDisrupt() {
    assertThat(DisruptionBudget.of(pdb("minAvailable", 2), pods(3, 1), NOW))
        .isEqualTo(new DisruptionBudget(4, 3, 2, 1));
  }

  @Test
  void percentagesRoundUp() {
    // 50% of 3 needed healthy is 2 (rounded up); maxUnavailable 34% of 3 is 2 (rounded up).
    assertThat(DisruptionBudget.of(pdb("minAvailable", "50%"), pods(3, 0), NOW).desiredHealthy())
        .isEqualTo(2);
    assertThat(DisruptionBudget.of(pdb("maxUnavailable", "34%"), pods(3, 0), NOW).desiredHealthy())
        .isEqualTo(1);
  }

  @Test
  void maxUnavailableCountsFromTheSelectedPods() {
    assertThat(DisruptionBudget.of(pdb("maxUnavailable", 1), pods(2, 1), NOW))
        .isEqualTo(new DisruptionBudget(3, 2, 2, 0));
  }

  @Test
  void recentlyEvictedAndTerminatingPodsAreNotHealthy() {
    ObjectNode budget = pdb("minAvailable", 1);
    budget.putObject("status").putObject("disruptedPods").put("r0", "2024-12-31T23:59:30Z");
    List<ObjectNode> pods = pods(3, 0);
    Json.meta(pods.get(1)).put("deletionTimestamp", "2024-12-31T23:59:50Z");
    assertThat(DisruptionBudget.of(budget, pods, NOW).currentHealthy()).isEqualTo(1);
    // two minutes later the eviction record has expired
    assertThat(DisruptionBudget.of(budget, pods, NOW.plusSeconds(120)).currentHealthy())
        .isEqualTo(2);
  }

  @Test
  void aNullSelectorSelectsNothingAndOtherNamespacesDoNotCount() {
    ObjectNode budget = pdb("minAvailable", 1);
    ((ObjectNode) budget.get("spec")).remove("selector");
    assertThat(DisruptionBudget.of(budget, pods(2, 0), NOW).expectedPods()).isZero();
    ObjectNode elsewhere = pod("x", true);
    Json.meta(elsewhere).put("namespace", "other");
    assertThat(DisruptionBudget.selects(pdb("minAvailable", 1), elsewhere)).isFalse();
  }
}
