package io.akkube.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentSyncTest {

  private static final String ROLLING_3_2 =
      "{'type':'RollingUpdate','rollingUpdate':{'maxSurge':3,'maxUnavailable':2}}";

  @Test
  void firstSyncCreatesAHashedReplicaSetWithRevisionOne() {
    RolloutSim sim = new RolloutSim(RolloutSim.deployment(3, ROLLING_3_2), 1);
    sim.step();
    ObjectNode rs = sim.replicaSets.values().iterator().next();
    String hash = PodTemplateHash.compute(sim.deployment.path("spec").path("template"), null);
    assertThat(Json.name(rs)).isEqualTo("web-" + hash);
    assertThat(Json.labels(rs.path("spec").path("template")))
        .containsEntry(PodTemplateHash.LABEL, hash);
    assertThat(
            rs.path("spec")
                .path("selector")
                .path("matchLabels")
                .path(PodTemplateHash.LABEL)
                .asText())
        .isEqualTo(hash);
    assertThat(DeploymentSync.annotation(rs, DeploymentSync.REVISION)).isEqualTo("1");
    assertThat(DeploymentSync.annotation(rs, DeploymentSync.DESIRED_REPLICAS)).isEqualTo("3");
    assertThat(DeploymentSync.annotation(rs, DeploymentSync.MAX_REPLICAS)).isEqualTo("6");
    assertThat(DeploymentSync.annotation(sim.deployment, DeploymentSync.REVISION)).isEqualTo("1");
    assertThat(sim.events)
        .contains("ScalingReplicaSet: Scaled up replica set web-" + hash + " from 0 to 3");
    assertThat(sim.condition("Progressing")).isEqualTo("True/NewReplicaSetCreated");
  }

  @Test
  void rollingUpdateStaysWithinSurgeAndUnavailabilityAtEveryStep() {
    for (long seed = 0; seed < 25; seed++) {
      RolloutSim sim = new RolloutSim(RolloutSim.deployment(10, ROLLING_3_2), seed);
      sim.runUntilComplete(100, () -> {});
      assertThat(sim.condition("Available")).isEqualTo("True/MinimumReplicasAvailable");
      sim.setImage("v2");
      sim.runUntilComplete(
          200,
          () -> {
            assertThat(sim.totalPods()).isLessThanOrEqualTo(13);
            assertThat(sim.readyPods()).isGreaterThanOrEqualTo(8);
          });
      sim.step();
      assertThat(sim.condition("Progressing")).isEqualTo("True/NewReplicaSetAvailable");
      assertThat(sim.replicaSets).hasSize(2);
      assertThat(DeploymentSync.annotation(sim.newReplicaSet(), DeploymentSync.REVISION))
          .isEqualTo("2");
      assertThat(sim.deployment.path("status").path("updatedReplicas").asInt()).isEqualTo(10);
    }
  }

  @Test
  void percentagesAreResolvedAgainstReplicas() {
    String strategy =
        "{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}}";
    for (long seed = 0; seed < 10; seed++) {
      RolloutSim sim = new RolloutSim(RolloutSim.deployment(7, strategy), seed);
      sim.runUntilComplete(100, () -> {});
      sim.setImage("v2");
      // surge ceil(1.75) = 2, unavailable floor(1.75) = 1
      sim.runUntilComplete(
          200,
          () -> {
            assertThat(sim.totalPods()).isLessThanOrEqualTo(9);
            assertThat(sim.readyPods()).isGreaterThanOrEqualTo(6);
          });
    }
  }

  @Test
  void zeroSurgeReplacesOnePodAtATime() {
    String strategy = "{'type':'RollingUpdate','rollingUpdate':{'maxSurge':0,'maxUnavailable':1}}";
    RolloutSim sim = new RolloutSim(RolloutSim.deployment(4, strategy), 3);
    sim.runUntilComplete(100, () -> {});
    sim.setImage("v2");
    sim.runUntilComplete(
        200,
        () -> {
          assertThat(sim.totalPods()).isLessThanOrEqualTo(4);
          assertThat(sim.readyPods()).isGreaterThanOrEqualTo(3);
        });
  }

  @Test
  void recreateScalesOldToZeroAndWaitsForItsPodsBeforeCreatingNew() {
    RolloutSim sim = new RolloutSim(RolloutSim.deployment(3, "{'type':'Recreate'}"), 4);
    sim.runUntilComplete(100, () -> {});
    ObjectNode old = sim.newReplicaSet();
    sim.setImage("v2");
    sim.runUntilComplete(
        100,
        () -> {
          ObjectNode current = sim.newReplicaSet();
          if (current != null && current != old) {
            assertThat(sim.podsOf(current) == 0 || sim.podsOf(old) == 0)
                .as("old and new pods at step %d", sim.step)
                .isTrue();
          }
        });
    assertThat(sim.replicaSets).hasSize(2);
  }

  @Test
  void pausedDeploymentScalesButRollsOutOnlyOnceResumed() {
    RolloutSim sim = new RolloutSim(RolloutSim.deployment(3, ROLLING_3_2), 5);
    sim.runUntilComplete(100, () -> {});
    sim.setPaused(true);
    sim.step();
    assertThat(sim.condition("Progressing")).isEqualTo("Unknown/DeploymentPaused");
    sim.setImage("v2");
    sim.step();
    sim.setImage("v3");
    sim.step();
    sim.setImage("v4");
    sim.setReplicas(5);
    for (int i = 0; i < 10; i++) {
      sim.step();
    }
    assertThat(sim.replicaSets).hasSize(1);
    assertThat(sim.totalPods()).isEqualTo(5);
    sim.setPaused(false);
    sim.runUntilComplete(100, () -> {});
    assertThat(sim.replicaSets).hasSize(2);
    assertThat(DeploymentSync.annotation(sim.deployment, DeploymentSync.REVISION)).isEqualTo("2");
  }

  @Test
  void rollbackMakesTheMatchingOldReplicaSetNewWithTheNextRevision() {
    RolloutSim sim = new RolloutSim(RolloutSim.deployment(3, ROLLING_3_2), 6);
    sim.runUntilComplete(100, () -> {});
    String first = Json.name(sim.newReplicaSet());
    sim.setImage("v2");
    sim.runUntilComplete(100, () -> {});
    sim.setImage("v1");
    sim.runUntilComplete(100, () -> {});
    ObjectNode current = sim.newReplicaSet();
    assertThat(Json.name(current)).isEqualTo(first);
    assertThat(DeploymentSync.annotation(current, DeploymentSync.REVISION)).isEqualTo("3");
    assertThat(DeploymentSync.annotation(current, DeploymentSync.REVISION_HISTORY)).isEqualTo("1");
    assertThat(sim.replicaSets).hasSize(2);
  }

  @Test
  void changeCauseIsCopiedToTheReplicaSet() {
    ObjectNode d = RolloutSim.deployment(1, ROLLING_3_2);
    Json.meta(d).with("annotations").put(DeploymentSync.CHANGE_CAUSE, "kubectl set image v1");
    RolloutSim sim = new RolloutSim(d, 7);
    sim.step();
    assertThat(DeploymentSync.annotation(sim.newReplicaSet(), DeploymentSync.CHANGE_CAUSE))
        .isEqualTo("kubectl set image v1");
  }

  @Test
  void oldReplicaSetsBeyondTheHistoryLimitAreDeletedOnceEmpty() {
    ObjectNode d = RolloutSim.deployment(2, ROLLING_3_2);
    d.with("spec").put("revisionHistoryLimit", 1);
    RolloutSim sim = new RolloutSim(d, 8);
    sim.runUntilComplete(100, () -> {});
    for (String image : List.of("v2", "v3", "v4")) {
      sim.setImage(image);
      sim.runUntilComplete(100, () -> {});
    }
    for (int i = 0; i < 5; i++) {
      sim.step();
    }
    assertThat(sim.replicaSets).hasSize(2);
  }

  @Test
  void aRolloutThatNeverBecomesReadyExceedsItsDeadlineAndKeepsOldPods() {
    ObjectNode d = RolloutSim.deployment(10, ROLLING_3_2);
    d.with("spec").put("progressDeadlineSeconds", 10);
    RolloutSim sim = new RolloutSim(d, 9);
    sim.runUntilComplete(100, () -> {});
    sim.podsNeverReady = true;
    sim.setImage("broken");
    for (int i = 0; i < 30; i++) {
      sim.step();
      assertThat(sim.readyPods()).isGreaterThanOrEqualTo(8);
      assertThat(sim.totalPods()).isLessThanOrEqualTo(13);
    }
    assertThat(sim.condition("Progressing")).isEqualTo("False/ProgressDeadlineExceeded");
    assertThat(sim.podsOf(sim.newReplicaSet())).isEqualTo(5);
  }

  @Test
  void scalingMidRolloutIsProportional() {
    ObjectNode d = RolloutSim.deployment(10, ROLLING_3_2);
    RolloutSim sim = new RolloutSim(d, 10);
    sim.runUntilComplete(100, () -> {});
    ObjectNode old = sim.newReplicaSet();
    sim.podsNeverReady = true;
    sim.setImage("v2");
    for (int i = 0; i < 5; i++) {
      sim.step();
    }
    ObjectNode current = sim.newReplicaSet();
    assertThat(DeploymentSync.specReplicas(sim.replicaSets.get(Json.name(old)))).isEqualTo(8);
    assertThat(DeploymentSync.specReplicas(current)).isEqualTo(5);
    sim.setReplicas(15);
    sim.step();
    // 13 replicas of max 13 become 18 of max 18: 8 -> 11, 5 -> 7 (rounded), as Kubernetes does.
    assertThat(DeploymentSync.specReplicas(sim.replicaSets.get(Json.name(old)))).isEqualTo(11);
    assertThat(DeploymentSync.specReplicas(sim.replicaSets.get(Json.name(current)))).isEqualTo(7);
  }
}
