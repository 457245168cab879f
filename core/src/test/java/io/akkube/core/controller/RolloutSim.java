package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic little cluster for rollout tests: one Deployment, its ReplicaSets and their pods.
 * Each step runs the deployment sync, then every ReplicaSet's sync (status from the pods before the
 * pass, as Kubernetes computes it), then lets pods become ready after a random delay.
 */
final class RolloutSim {

  final Random random;
  ObjectNode deployment;
  final Map<String, ObjectNode> replicaSets = new LinkedHashMap<>();
  final List<ObjectNode> pods = new ArrayList<>();
  final Map<String, Integer> readyAt = new HashMap<>();
  final List<String> events = new ArrayList<>();
  Instant now = Instant.parse("2024-01-01T00:00:00Z");
  int step;
  int ids;
  boolean podsNeverReady;

  RolloutSim(ObjectNode deployment, long seed) {
    this.deployment = deployment;
    this.random = new Random(seed);
    Json.meta(deployment).put("uid", "deploy-uid").put("generation", 1);
    Json.meta(deployment).put("creationTimestamp", ObjectLifecycle.timestamp(now));
  }

  static ObjectNode deployment(int replicas, String strategy) {
    return Trees.json(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'ns'},"
            + "'spec':{'replicas':"
            + replicas
            + ",'selector':{'matchLabels':{'app':'web'}},'strategy':"
            + strategy
            + ",'revisionHistoryLimit':10,'progressDeadlineSeconds':600,"
            + "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'c','image':'v1'}]}}}}");
  }

  /** Edits the template (a new image) as kubectl set image does: generation + 1. */
  void setImage(String image) {
    ObjectNode container =
        (ObjectNode)
            deployment.path("spec").path("template").path("spec").path("containers").get(0);
    container.put("image", image);
    bumpGeneration();
  }

  void setReplicas(int replicas) {
    deployment.with("spec").put("replicas", replicas);
    bumpGeneration();
  }

  void setPaused(boolean paused) {
    deployment.with("spec").put("paused", paused);
    bumpGeneration();
  }

  void bumpGeneration() {
    Json.meta(deployment)
        .put("generation", deployment.path("metadata").path("generation").asLong() + 1);
  }

  void step() {
    step++;
    now = now.plusSeconds(1);
    syncDeployment();
    for (ObjectNode rs : List.copyOf(replicaSets.values())) {
      syncReplicaSet(rs);
    }
    for (ObjectNode pod : pods) {
      Integer at = readyAt.get(Json.name(pod));
      JsonNode ready = pod.path("status").path("conditions").get(0);
      if (at != null && at <= step && !"True".equals(ready.path("status").asText())) {
        ((ObjectNode) ready).put("status", "True");
        ((ObjectNode) ready).put("lastTransitionTime", ObjectLifecycle.timestamp(now));
      }
    }
  }

  void syncDeployment() {
    DeploymentSync.Result result =
        DeploymentSync.sync(
            deployment,
            List.copyOf(replicaSets.values()),
            DeploymentSync.selectedPods(deployment, pods),
            now);
    for (DeploymentSync.Action action : result.actions()) {
      if (action instanceof DeploymentSync.CreateReplicaSet c) {
        ObjectNode rs = c.replicaSet().deepCopy();
        Json.meta(rs).put("uid", "rs-" + (++ids));
        Json.meta(rs).put("generation", 1);
        Json.meta(rs).put("creationTimestamp", ObjectLifecycle.timestamp(now.plusMillis(ids)));
        replicaSets.put(Json.name(rs), rs);
      } else if (action instanceof DeploymentSync.UpdateReplicaSet u) {
        ObjectNode old = replicaSets.get(Json.name(u.replicaSet()));
        ObjectNode rs = u.replicaSet().deepCopy();
        rs.set("status", old.get("status"));
        long generation = old.path("metadata").path("generation").asLong();
        if (!rs.path("spec").equals(old.path("spec"))) {
          generation++;
        }
        Json.meta(rs).put("generation", generation);
        replicaSets.put(Json.name(rs), rs);
      } else if (action instanceof DeploymentSync.DeleteReplicaSet del) {
        replicaSets.remove(Json.name(del.replicaSet()));
      } else if (action instanceof DeploymentSync.Event e) {
        events.add(e.reason() + ": " + e.message());
      }
    }
    if (result.revision() != null) {
      Json.meta(deployment).with("annotations").put(DeploymentSync.REVISION, result.revision());
    }
    if (result.status() != null) {
      deployment.set("status", result.status());
    }
  }

  void syncReplicaSet(ObjectNode rs) {
    var plan = ReplicaSetSync.plan(rs, pods);
    ObjectNode status = ReplicaSetSync.status(rs, plan.active(), null, now);
    if (status != null) {
      rs.set("status", status);
    }
    for (int i = 0; i < plan.create(); i++) {
      String name = Json.name(rs) + "-" + (++ids);
      ObjectNode pod = ReplicaSetSync.newPod(rs, ResourceTypes.REPLICA_SETS, name, random);
      Json.meta(pod).put("uid", "pod-" + ids);
      Json.meta(pod).put("creationTimestamp", ObjectLifecycle.timestamp(now));
      pod.with("spec").put("nodeName", "n");
      ObjectNode s = pod.putObject("status");
      s.put("phase", "Running");
      s.putArray("conditions").addObject().put("type", "Ready").put("status", "False");
      pods.add(pod);
      if (!podsNeverReady) {
        readyAt.put(name, step + 1 + random.nextInt(3));
      }
    }
    for (JsonNode gone : plan.delete()) {
      pods.removeIf(p -> Json.name(p).equals(Json.name(gone)));
    }
  }

  int totalPods() {
    return pods.size();
  }

  int readyPods() {
    return (int) pods.stream().filter(PodReadiness::isReady).count();
  }

  int podsOf(ObjectNode rs) {
    String uid = Json.metaText(rs, "uid");
    return (int) pods.stream().filter(p -> OwnerReferences.isControlledBy(p, uid)).count();
  }

  ObjectNode newReplicaSet() {
    return replicaSets.values().stream()
        .filter(
            rs ->
                PodTemplateHash.equalIgnoringHash(
                    rs.path("spec").path("template"), deployment.path("spec").path("template")))
        .findFirst()
        .orElse(null);
  }

  boolean complete() {
    JsonNode s = deployment.path("status");
    int replicas = deployment.path("spec").path("replicas").asInt();
    return s.path("updatedReplicas").asInt() == replicas
        && s.path("replicas").asInt() == replicas
        && s.path("availableReplicas").asInt() == replicas
        && s.path("observedGeneration").asLong()
            >= deployment.path("metadata").path("generation").asLong()
        && replicaSets.values().stream()
            .filter(rs -> rs != newReplicaSet())
            .allMatch(rs -> rs.path("spec").path("replicas").asInt() == 0 && podsOf(rs) == 0);
  }

  /** Steps until complete (fails after {@code maxSteps}); runs {@code check} after every step. */
  void runUntilComplete(int maxSteps, Runnable check) {
    for (int i = 0; i < maxSteps; i++) {
      step();
      check.run();
      if (complete()) {
        return;
      }
    }
    throw new AssertionError(
        "rollout did not complete in " + maxSteps + " steps: " + deployment.path("status"));
  }

  String condition(String type) {
    for (JsonNode c : deployment.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText() + "/" + c.path("reason").asText();
      }
    }
    return "";
  }
}
