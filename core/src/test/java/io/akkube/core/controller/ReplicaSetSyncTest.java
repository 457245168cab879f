package io.akkube.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicaSetSyncTest {

  private static final Instant NOW = Instant.parse("2024-01-01T00:10:00Z");

  private static ObjectNode rs(int replicas) {
    return Trees.json(
        "{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'web','namespace':'ns',"
            + "'uid':'rs-uid','generation':2},'spec':{'replicas':"
            + replicas
            + ",'selector':{'matchLabels':{'app':'web'}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}");
  }

  private static ObjectNode owned(ObjectNode pod) {
    Json.meta(pod)
        .withArray("ownerReferences")
        .add(OwnerReferences.controllerRef(rs(1), ResourceTypes.REPLICA_SETS));
    return pod;
  }

  @Test
  void missingReplicasAreCreatedWithAControllerReference() {
    var plan = ReplicaSetSync.plan(rs(3), List.of());
    assertThat(plan.create()).isEqualTo(3);
    ObjectNode pod = ReplicaSetSync.newPod(rs(3), ResourceTypes.REPLICA_SETS, "web-abcde", null);
    JsonNode ref = pod.path("metadata").path("ownerReferences").get(0);
    assertThat(ref.path("kind").asText()).isEqualTo("ReplicaSet");
    assertThat(ref.path("uid").asText()).isEqualTo("rs-uid");
    assertThat(ref.path("controller").asBoolean()).isTrue();
    assertThat(ref.path("blockOwnerDeletion").asBoolean()).isTrue();
    assertThat(Json.labels(pod)).containsEntry("app", "web");
    assertThat(pod.path("spec").path("containers").get(0).path("image").asText())
        .isEqualTo("busybox");
  }

  @Test
  void podNamesAreTheOwnerNameAndFiveCharactersOfKubernetesAlphabet() {
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      assertThat(ReplicaSetSync.podName("web-6d4cf56db6", random))
          .matches("web-6d4cf56db6-[bcdfghjklmnpqrstvwxz2456789]{5}");
    }
    assertThat(ReplicaSetSync.podName("x".repeat(70), random)).hasSize(63);
  }

  @Test
  void matchingOrphansAreAdoptedAndPodsThatStopMatchingReleased() {
    ObjectNode orphan = Trees.pod("orphan", "n", "Running", null, 0, null);
    ObjectNode relabeled = owned(Trees.pod("relabeled", "n", "Running", null, 0, null));
    Json.meta(relabeled).with("labels").put("app", "debug");
    ObjectNode foreign = Trees.pod("foreign", "n", "Running", null, 0, null);
    Json.meta(foreign)
        .withArray("ownerReferences")
        .addObject()
        .put("uid", "other")
        .put("controller", true);
    var plan = ReplicaSetSync.plan(rs(1), List.of(orphan, relabeled, foreign));
    assertThat(plan.adopt()).extracting(Json::name).containsExactly("orphan");
    assertThat(plan.release()).extracting(Json::name).containsExactly("relabeled");
    assertThat(plan.active()).extracting(Json::name).containsExactly("orphan");
    assertThat(plan.create()).isZero();
  }

  @Test
  void scaleDownDeletesInActivePodsOrder() {
    List<JsonNode> pods =
        List.of(
            owned(
                Trees.pod(
                    "ready-old",
                    "n",
                    "Running",
                    "2024-01-01T00:00:00Z",
                    0,
                    "2024-01-01T00:00:00Z")),
            owned(Trees.pod("pending", "n", "Pending", null, 0, "2024-01-01T00:00:00Z")),
            owned(Trees.pod("unscheduled", null, "Pending", null, 0, "2024-01-01T00:00:00Z")),
            owned(
                Trees.pod(
                    "ready-new",
                    "n",
                    "Running",
                    "2024-01-01T00:05:00Z",
                    0,
                    "2024-01-01T00:04:00Z")));
    var plan = ReplicaSetSync.plan(rs(1), pods);
    assertThat(plan.delete())
        .extracting(Json::name)
        .containsExactly("unscheduled", "pending", "ready-new");
  }

  @Test
  void terminatingAndFinishedPodsDoNotCount() {
    ObjectNode terminating = owned(Trees.pod("t", "n", "Running", null, 0, null));
    Json.meta(terminating).put("deletionTimestamp", "2024-01-01T00:00:00Z");
    ObjectNode done = owned(Trees.pod("d", "n", "Succeeded", null, 0, null));
    var plan = ReplicaSetSync.plan(rs(2), List.of(terminating, done));
    assertThat(plan.create()).isEqualTo(2);
  }

  @Test
  void statusCountsReadyAndAvailableAfterMinReadySeconds() {
    ObjectNode owner = rs(3);
    owner.with("spec").put("minReadySeconds", 60);
    List<JsonNode> pods =
        List.of(
            owned(Trees.pod("a", "n", "Running", "2024-01-01T00:00:00Z", 0, null)),
            owned(Trees.pod("b", "n", "Running", "2024-01-01T00:09:30Z", 0, null)),
            owned(Trees.pod("c", "n", "Running", null, 0, null)));
    ObjectNode status = ReplicaSetSync.status(owner, pods, null, NOW);
    assertThat(status.path("replicas").asInt()).isEqualTo(3);
    assertThat(status.path("fullyLabeledReplicas").asInt()).isEqualTo(3);
    assertThat(status.path("readyReplicas").asInt()).isEqualTo(2);
    assertThat(status.path("availableReplicas").asInt()).isEqualTo(1);
    assertThat(status.path("observedGeneration").asInt()).isEqualTo(2);
    owner.set("status", status);
    assertThat(ReplicaSetSync.status(owner, pods, null, NOW)).isNull();
  }

  @Test
  void failedCreationsSetReplicaFailureUntilAPassSucceeds() {
    ObjectNode owner = rs(2);
    ObjectNode status = ReplicaSetSync.status(owner, List.of(), "pods \"x\" is forbidden", NOW);
    JsonNode condition = status.path("conditions").get(0);
    assertThat(condition.path("type").asText()).isEqualTo("ReplicaFailure");
    assertThat(condition.path("reason").asText()).isEqualTo("FailedCreate");
    owner.set("status", status);
    ObjectNode healed = ReplicaSetSync.status(owner, List.of(), null, NOW);
    assertThat(healed.has("conditions")).isFalse();
  }

  @Test
  void slowStartBatchesDouble() {
    assertThat(ReplicaSetSync.slowStartBatches(10)).containsExactly(1, 2, 4, 3);
    assertThat(ReplicaSetSync.slowStartBatches(0)).isEmpty();
  }

  @Test
  void replicationControllerSelectorIsAPlainMap() {
    ObjectNode rc =
        Trees.json(
            "{'kind':'ReplicationController','metadata':{'uid':'u'},"
                + "'spec':{'replicas':1,'selector':{'app':'web'}}}");
    assertThat(ReplicaSetSync.selectorOf(rc).matches(java.util.Map.of("app", "web"))).isTrue();
    assertThat(ReplicaSetSync.selectorOf(rc).matches(java.util.Map.of("app", "db"))).isFalse();
  }
}
