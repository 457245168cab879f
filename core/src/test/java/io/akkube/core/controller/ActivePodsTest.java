package io.akkube.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivePodsTest {

  private static final String T0 = "2024-01-01T00:00:00Z";
  private static final String T1 = "2024-01-01T00:01:00Z";
  private static final String T2 = "2024-01-01T00:02:00Z";

  @Test
  void deletionOrderFollowsKubernetesActivePods() {
    List<JsonNode> expected =
        List.of(
            Trees.pod("unassigned", null, "Pending", null, 0, T0),
            Trees.pod("pending", "n1", "Pending", null, 0, T0),
            Trees.pod("unknown", "n1", "Unknown", null, 0, T0),
            Trees.pod("running-not-ready", "n1", "Running", null, 0, T0),
            Trees.pod("ready-no-time", "n1", "Running", "", 0, T0),
            Trees.pod("ready-recently", "n1", "Running", T2, 0, T0),
            Trees.pod("ready-longer-restarted", "n1", "Running", T1, 5, T0),
            Trees.pod("ready-longer-newer", "n1", "Running", T1, 0, T2),
            Trees.pod("ready-longer-older", "n1", "Running", T1, 0, T1),
            Trees.pod("ready-longer-oldest", "n1", "Running", T1, 0, T0));
    for (long seed = 0; seed < 20; seed++) {
      List<JsonNode> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, new Random(seed));
      shuffled.sort(ActivePods.DELETION_ORDER);
      assertThat(shuffled.stream().map(Json::name).toList())
          .containsExactlyElementsOf(expected.stream().map(Json::name).toList());
    }
  }

  @Test
  void unassignedPodsGoFirstWhateverTheirPhase() {
    JsonNode runningUnassigned = Trees.pod("a", null, "Running", T0, 0, T0);
    JsonNode pendingAssigned = Trees.pod("b", "n1", "Pending", null, 0, T0);
    assertThat(ActivePods.DELETION_ORDER.compare(runningUnassigned, pendingAssigned)).isNegative();
  }

  @Test
  void podsWithoutCreationTimeSortBeforeNewerOnes() {
    JsonNode noTime = Trees.pod("a", "n1", "Running", T0, 0, null);
    JsonNode newer = Trees.pod("b", "n1", "Running", T0, 0, T2);
    assertThat(ActivePods.DELETION_ORDER.compare(noTime, newer)).isNegative();
    assertThat(ActivePods.DELETION_ORDER.compare(newer, noTime)).isPositive();
  }
}
