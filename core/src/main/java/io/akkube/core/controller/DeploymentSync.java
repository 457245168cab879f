package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.selection.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sync of Kubernetes' deployment controller (pkg/controller/deployment: sync.go, rolling.go,
 * recreate.go, progress.go and util/deployment_util.go) as a pure decision over the deployment, the
 * ReplicaSets it controls and their pods: which ReplicaSets to create, scale, annotate or delete,
 * the events to record, the revision annotation and the status to write.
 *
 * <p>Like Kubernetes, one sync takes one step (scale the new ReplicaSet up, or the old ones down)
 * and the next change of a ReplicaSet starts the next sync.
 */
public final class DeploymentSync {

  public static final String REVISION = "deployment.kubernetes.io/revision";
  public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  private static final Set<String> NOT_COPIED =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          REVISION,
          REVISION_HISTORY,
          DESIRED_REPLICAS,
          MAX_REPLICAS,
          "deprecated.deployment.rollback.to");
  private static final int MAX_REVISION_HISTORY_CHARS = 2000;

  /** What the controller does with the outcome. */
  public sealed interface Action {}

  public record CreateReplicaSet(ObjectNode replicaSet) implements Action {}

  /** A replaced ReplicaSet (spec.replicas, annotations, minReadySeconds). */
  public record UpdateReplicaSet(ObjectNode replicaSet) implements Action {}

  public record DeleteReplicaSet(JsonNode replicaSet) implements Action {}

  public record Event(String type, String reason, String message) implements Action {}

  /**
   * Actions in order (creations, updates, deletions, events); the deployment's new revision
   * annotation and status, each null when unchanged.
   */
  public record Result(List<Action> actions, String revision, ObjectNode status) {
    public Result {
      actions = List.copyOf(actions);
    }
  }

  private DeploymentSync() {}

  /**
   * Syncs {@code deployment} given the ReplicaSets it controls and the pods matching its selector
   * (the pods matter only to Recreate, which waits for old pods to be gone).
   */
  public static Result sync(
      JsonNode deployment,
      List<? extends JsonNode> replicaSets,
      List<? extends JsonNode> pods,
      Instant now) {
    return new Pass(deployment, replicaSets, pods, now).run();
  }

  // ---- ReplicaSet accessors ------------------------------------------------------------------

  static int specReplicas(JsonNode rs) {
    return rs == null ? 0 : ReplicaSetSync.replicas(rs);
  }

  static int statusInt(JsonNode rs, String field) {
    return rs == null ? 0 : rs.path("status").path(field).asInt(0);
  }

  static String annotation(JsonNode obj, String key) {
    JsonNode v = obj.path("metadata").path("annotations").get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  static long revision(JsonNode rs) {
    String v = annotation(rs, REVISION);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Optional<Integer> intAnnotation(JsonNode rs, String key) {
    String v = annotation(rs, key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Instant created(JsonNode rs) {
    return PodReadiness.time(Json.metaText(rs, "creationTimestamp")).orElse(Instant.MAX);
  }

  /** ReplicaSetsByCreationTimestamp: older first, ties by name. */
  static final Comparator<JsonNode> BY_CREATION =
      Comparator.comparing(DeploymentSync::created).thenComparing(Json::name);

  /** ReplicaSetsBySizeOlder: larger first, ties older first. */
  static final Comparator<JsonNode> BY_SIZE_OLDER =
      Comparator.comparing((JsonNode rs) -> -specReplicas(rs)).thenComparing(BY_CREATION);

  /** ReplicaSetsBySizeNewer: larger first, ties newer first. */
  static final Comparator<JsonNode> BY_SIZE_NEWER =
      Comparator.comparing((JsonNode rs) -> -specReplicas(rs))
          .thenComparing(BY_CREATION.reversed());

  /** ReplicaSetsByRevision: lower revision first, ties by creation. */
  static final Comparator<JsonNode> BY_REVISION =
      Comparator.comparing(DeploymentSync::revision).thenComparing(BY_CREATION);

  static int sumSpec(List<? extends JsonNode> rss) {
    return rss.stream().mapToInt(DeploymentSync::specReplicas).sum();
  }

  static int sumStatus(List<? extends JsonNode> rss, String field) {
    return rss.stream().mapToInt(rs -> statusInt(rs, field)).sum();
  }

  // ---- conditions
  // --------------------------------------------------------------------------------

  static Optional<ObjectNode> condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return Optional.of((ObjectNode) c);
      }
    }
    return Optional.empty();
  }

  static ObjectNode newCondition(
      String type, String status, String reason, String message, Instant now) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("status", status);
    String ts = ObjectLifecycle.timestamp(now);
    c.put("lastUpdateTime", ts);
    c.put("lastTransitionTime", ts);
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }

  /** SetDeploymentCondition: same status and reason changes nothing; same status keeps the time. */
  static void setCondition(ObjectNode status, ObjectNode condition) {
    Optional<ObjectNode> current = condition(status, condition.path("type").asText());
    if (current.isPresent()
        && current.get().path("status").equals(condition.path("status"))
        && current.get().path("reason").equals(condition.path("reason"))) {
      return;
    }
    if (current.isPresent() && current.get().path("status").equals(condition.path("status"))) {
      condition.set("lastTransitionTime", current.get().get("lastTransitionTime"));
    }
    removeCondition(status, condition.path("type").asText());
    status.withArray("conditions").add(condition);
  }

  static void removeCondition(ObjectNode status, String type) {
    ReplicaSetSync.removeCondition(status, type);
  }

  // ---- one pass --------------------------------------------------------------------------------

  private static final class Pass {
    private final ObjectNode d;
    private final JsonNode originalStatus;
    private final String originalRevision;
    private final List<ObjectNode> rss = new ArrayList<>();
    private final List<? extends JsonNode> pods;
    private final Instant now;
    private final List<Action> events = new ArrayList<>();
    private final Map<ObjectNode, Boolean> dirty = new IdentityHashMap<>();
    private final List<ObjectNode> dirtyOrder = new ArrayList<>();
    private final List<JsonNode> deletions = new ArrayList<>();
    private ObjectNode created;
    private ObjectNode status;

    Pass(
        JsonNode deployment,
        List<? extends JsonNode> replicaSets,
        List<? extends JsonNode> pods,
        Instant now) {
      this.d = (ObjectNode) deployment.deepCopy();
      Json.meta(d).remove("resourceVersion");
      this.originalStatus =
          deployment.path("status").isObject()
              ? deployment.get("status").deepCopy()
              : Json.MAPPER.createObjectNode();
      this.originalRevision = annotation(deployment, REVISION);
      for (JsonNode rs : replicaSets) {
        ObjectNode copy = (ObjectNode) rs.deepCopy();
        Json.meta(copy).remove("resourceVersion");
        rss.add(copy);
      }
      this.pods = pods;
      this.now = now;
    }

    private ObjectNode status() {
      return d.with("status");
    }

    private int replicas() {
      return RolloutMath.replicas(d);
    }

    Result run() {
      if (isSelectingAll()) {
        events.add(
            new Event(
                ControllerEvents.WARNING,
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required."));
        status().put("observedGeneration", generation());
        return result();
      }
      if (d.path("metadata").has("deletionTimestamp")) {
        NewAndOld all = getAllReplicaSetsAndSyncRevision(false);
        syncDeploymentStatus(all);
        return result();
      }
      checkPausedConditions();
      if (d.path("spec").path("paused").asBoolean(false) || isScalingEvent()) {
        syncScale();
        return result();
      }
      if (RolloutMath.isRollingUpdate(d)) {
        rolloutRolling();
      } else {
        rolloutRecreate();
      }
      return result();
    }

    private boolean isSelectingAll() {
      JsonNode selector = d.path("spec").path("selector");
      return selector.isObject()
          && selector.path("matchLabels").size() == 0
          && selector.path("matchExpressions").size() == 0;
    }

    private long generation() {
      return d.path("metadata").path("generation").asLong(0);
    }

    private Result result() {
      List<Action> actions = new ArrayList<>();
      if (created != null) {
        actions.add(new CreateReplicaSet(created.deepCopy()));
      }
      for (ObjectNode rs : dirtyOrder) {
        if (rs != created) {
          actions.add(new UpdateReplicaSet(rs.deepCopy()));
        }
      }
      for (JsonNode rs : deletions) {
        actions.add(new DeleteReplicaSet(rs));
      }
      actions.addAll(events);
      String revision = annotation(d, REVISION);
      boolean revisionChanged = revision != null && !revision.equals(originalRevision);
      ObjectNode newStatus = status == null ? status() : status;
      return new Result(
          actions,
          revisionChanged ? revision : null,
          newStatus.equals(originalStatus) ? null : newStatus.deepCopy());
    }

    private void markDirty(ObjectNode rs) {
      if (dirty.put(rs, Boolean.TRUE) == null) {
        dirtyOrder.add(rs);
      }
    }

    private void event(String reason, String message) {
      events.add(new Event(ControllerEvents.NORMAL, reason, message));
    }

    // ---- new and old ReplicaSets, revisions ----------------------------------------------------

    private record NewAndOld(ObjectNode newRS, List<ObjectNode> oldRSs) {
      List<ObjectNode> all() {
        List<ObjectNode> all = new ArrayList<>(oldRSs);
        if (newRS != null) {
          all.add(newRS);
        }
        return all;
      }
    }

    private ObjectNode findNewReplicaSet() {
      JsonNode template = d.path("spec").path("template");
      return rss.stream()
          .sorted(BY_CREATION)
          .filter(
              rs -> PodTemplateHash.equalIgnoringHash(rs.path("spec").path("template"), template))
          .findFirst()
          .orElse(null);
    }

    private NewAndOld getAllReplicaSetsAndSyncRevision(boolean createIfNotExisted) {
      ObjectNode existing = findNewReplicaSet();
      List<ObjectNode> old = new ArrayList<>();
      for (ObjectNode rs : rss) {
        if (rs != existing) {
          old.add(rs);
        }
      }
      long maxOldRevision = old.stream().mapToLong(DeploymentSync::revision).max().orElse(0);
      String newRevision = Long.toString(maxOldRevision + 1);
      if (existing != null) {
        boolean annotationsUpdated = setNewReplicaSetAnnotations(existing, newRevision, true);
        long minReadySeconds = d.path("spec").path("minReadySeconds").asLong(0);
        boolean minReadyNeedsUpdate =
            existing.path("spec").path("minReadySeconds").asLong(0) != minReadySeconds;
        if (annotationsUpdated || minReadyNeedsUpdate) {
          existing.with("spec").put("minReadySeconds", minReadySeconds);
          markDirty(existing);
          return new NewAndOld(existing, old);
        }
        setDeploymentRevision(annotation(existing, REVISION));
        if (condition(status(), "Progressing").isEmpty()) {
          setCondition(
              status(),
              newCondition(
                  "Progressing",
                  "True",
                  "FoundNewReplicaSet",
                  "Found new replica set \"" + Json.name(existing) + "\"",
                  now));
        }
        return new NewAndOld(existing, old);
      }
      if (!createIfNotExisted) {
        return new NewAndOld(null, old);
      }
      JsonNode collisions = status().get("collisionCount");
      String hash =
          PodTemplateHash.compute(
              d.path("spec").path("template"),
              collisions == null || collisions.isNull() ? null : collisions.asInt());
      ObjectNode template = (ObjectNode) d.path("spec").path("template").deepCopy();
      template.with("metadata").with("labels").put(PodTemplateHash.LABEL, hash);
      ObjectNode selector = (ObjectNode) d.path("spec").path("selector").deepCopy();
      selector.with("matchLabels").put(PodTemplateHash.LABEL, hash);
      ObjectNode rs = Json.MAPPER.createObjectNode();
      rs.put("apiVersion", "apps/v1");
      rs.put("kind", "ReplicaSet");
      ObjectNode meta = rs.putObject("metadata");
      meta.put("name", Json.name(d) + "-" + hash);
      meta.put("namespace", Json.namespace(d));
      meta.set("labels", template.path("metadata").path("labels").deepCopy());
      meta.putArray("ownerReferences")
          .add(OwnerReferences.controllerRef(d, ResourceTypes.DEPLOYMENTS));
      ObjectNode spec = rs.putObject("spec");
      spec.put("replicas", 0);
      spec.put("minReadySeconds", d.path("spec").path("minReadySeconds").asLong(0));
      spec.set("selector", selector);
      spec.set("template", template);
      List<ObjectNode> all = new ArrayList<>(old);
      all.add(rs);
      int newReplicas = newRSNewReplicas(all, rs);
      spec.put("replicas", newReplicas);
      setNewReplicaSetAnnotations(rs, newRevision, false);
      created = rs;
      rss.add(rs);
      markDirty(rs);
      if (newReplicas > 0) {
        event(
            "ScalingReplicaSet",
            "Scaled up replica set " + Json.name(rs) + " from 0 to " + newReplicas);
      }
      setDeploymentRevision(newRevision);
      setCondition(
          status(),
          newCondition(
              "Progressing",
              "True",
              "NewReplicaSetCreated",
              "Created new replica set \"" + Json.name(rs) + "\"",
              now));
      return new NewAndOld(rs, old);
    }

    private void setDeploymentRevision(String revision) {
      if (revision != null && !revision.equals(annotation(d, REVISION))) {
        Json.meta(d).with("annotations").put(REVISION, revision);
      }
    }

    /** SetNewReplicaSetAnnotations: copied annotations, revision (and its history), replicas. */
    private boolean setNewReplicaSetAnnotations(ObjectNode rs, String newRevision, boolean exists) {
      ObjectNode annotations = Json.meta(rs).with("annotations");
      boolean changed = false;
      for (var it = d.path("metadata").path("annotations").fields(); it.hasNext(); ) {
        var e = it.next();
        if (NOT_COPIED.contains(e.getKey()) || e.getValue().equals(annotations.get(e.getKey()))) {
          continue;
        }
        annotations.set(e.getKey(), e.getValue().deepCopy());
        changed = true;
      }
      String oldRevision = annotation(rs, REVISION);
      long oldRevisionInt;
      try {
        oldRevisionInt = oldRevision == null ? 0 : Long.parseLong(oldRevision);
      } catch (NumberFormatException e) {
        return false;
      }
      long newRevisionInt = Long.parseLong(newRevision);
      if (oldRevisionInt < newRevisionInt) {
        annotations.put(REVISION, newRevision);
        changed = true;
        if (oldRevision != null) {
          String history = annotation(rs, REVISION_HISTORY);
          String joined =
              history == null || history.isEmpty() ? oldRevision : history + "," + oldRevision;
          while (joined.length() > MAX_REVISION_HISTORY_CHARS && joined.contains(",")) {
            joined = joined.substring(joined.indexOf(',') + 1);
          }
          annotations.put(REVISION_HISTORY, joined);
        }
      }
      if (!exists && setReplicasAnnotations(rs)) {
        changed = true;
      }
      if (annotations.isEmpty()) {
        Json.meta(rs).remove("annotations");
      }
      return changed;
    }

    private boolean setReplicasAnnotations(ObjectNode rs) {
      String desired = Integer.toString(replicas());
      String max = Integer.toString(replicas() + RolloutMath.maxSurge(d));
      ObjectNode annotations = Json.meta(rs).with("annotations");
      boolean changed = false;
      if (!desired.equals(annotation(rs, DESIRED_REPLICAS))) {
        annotations.put(DESIRED_REPLICAS, desired);
        changed = true;
      }
      if (!max.equals(annotation(rs, MAX_REPLICAS))) {
        annotations.put(MAX_REPLICAS, max);
        changed = true;
      }
      return changed;
    }

    private boolean replicasAnnotationsNeedUpdate(JsonNode rs) {
      String desired = Integer.toString(replicas());
      String max = Integer.toString(replicas() + RolloutMath.maxSurge(d));
      return !desired.equals(annotation(rs, DESIRED_REPLICAS))
          || !max.equals(annotation(rs, MAX_REPLICAS));
    }

    // ---- scaling -------------------------------------------------------------------------------

    /** NewRSNewReplicas: how far the new ReplicaSet may grow now. */
    private int newRSNewReplicas(List<ObjectNode> all, ObjectNode newRS) {
      if (!RolloutMath.isRollingUpdate(d)) {
        return replicas();
      }
      int current = sumSpec(all);
      int maxTotal = replicas() + RolloutMath.maxSurge(d);
      if (current >= maxTotal) {
        return specReplicas(newRS);
      }
      int scaleUp = Math.min(maxTotal - current, replicas() - specReplicas(newRS));
      return specReplicas(newRS) + scaleUp;
    }

    private boolean scaleReplicaSetAndRecordEvent(ObjectNode rs, int newScale) {
      if (specReplicas(rs) == newScale) {
        return false;
      }
      return scaleReplicaSet(rs, newScale);
    }

    private boolean scaleReplicaSet(ObjectNode rs, int newScale) {
      int oldScale = specReplicas(rs);
      boolean sizeNeedsUpdate = oldScale != newScale;
      if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs)) {
        return false;
      }
      rs.with("spec").put("replicas", newScale);
      setReplicasAnnotations(rs);
      markDirty(rs);
      if (sizeNeedsUpdate) {
        event(
            "ScalingReplicaSet",
            "Scaled "
                + (oldScale < newScale ? "up" : "down")
                + " replica set "
                + Json.name(rs)
                + " from "
                + oldScale
                + " to "
                + newScale);
      }
      return sizeNeedsUpdate;
    }

    private boolean isScalingEvent() {
      NewAndOld all = getAllReplicaSetsAndSyncRevision(false);
      for (ObjectNode rs : all.all()) {
        if (specReplicas(rs) <= 0) {
          continue;
        }
        Optional<Integer> desired = intAnnotation(rs, DESIRED_REPLICAS);
        if (desired.isPresent() && desired.get() != replicas()) {
          return true;
        }
      }
      return false;
    }

    /** sync(): scaling (also while paused) and history clean-up, then the status. */
    private void syncScale() {
      NewAndOld all = getAllReplicaSetsAndSyncRevision(false);
      scale(all);
      if (d.path("spec").path("paused").asBoolean(false)) {
        cleanupDeployment(all.oldRSs());
      }
      syncDeploymentStatus(all);
    }

    /** The proportional scaling of Kubernetes' scale(). */
    private void scale(NewAndOld nao) {
      ObjectNode activeOrLatest = findActiveOrLatest(nao);
      if (activeOrLatest != null) {
        if (specReplicas(activeOrLatest) != replicas()) {
          scaleReplicaSetAndRecordEvent(activeOrLatest, replicas());
        }
        return;
      }
      if (isSaturated(nao.newRS())) {
        for (ObjectNode old : active(nao.oldRSs())) {
          scaleReplicaSetAndRecordEvent(old, 0);
        }
        return;
      }
      if (!RolloutMath.isRollingUpdate(d)) {
        return;
      }
      List<ObjectNode> all = active(nao.all());
      int allReplicas = sumSpec(all);
      int allowed = replicas() > 0 ? replicas() + RolloutMath.maxSurge(d) : 0;
      int toAdd = allowed - allReplicas;
      if (toAdd > 0) {
        all.sort(BY_SIZE_NEWER);
      } else if (toAdd < 0) {
        all.sort(BY_SIZE_OLDER);
      }
      int added = 0;
      Map<ObjectNode, Integer> sizes = new LinkedHashMap<>();
      for (ObjectNode rs : all) {
        if (toAdd != 0) {
          int proportion = proportion(rs, toAdd, added);
          sizes.put(rs, specReplicas(rs) + proportion);
          added += proportion;
        } else {
          sizes.put(rs, specReplicas(rs));
        }
      }
      for (int i = 0; i < all.size(); i++) {
        ObjectNode rs = all.get(i);
        if (i == 0 && toAdd != 0) {
          sizes.put(rs, Math.max(0, sizes.get(rs) + toAdd - added));
        }
        scaleReplicaSet(rs, sizes.get(rs));
      }
    }

    private ObjectNode findActiveOrLatest(NewAndOld nao) {
      if (nao.newRS() == null && nao.oldRSs().isEmpty()) {
        return null;
      }
      List<ObjectNode> old = new ArrayList<>(nao.oldRSs());
      old.sort(BY_CREATION.reversed());
      List<ObjectNode> all = new ArrayList<>(old);
      if (nao.newRS() != null) {
        all.add(nao.newRS());
      }
      List<ObjectNode> active = active(all);
      if (active.isEmpty()) {
        return nao.newRS() != null ? nao.newRS() : old.get(0);
      }
      return active.size() == 1 ? active.get(0) : null;
    }

    private boolean isSaturated(ObjectNode rs) {
      if (rs == null) {
        return false;
      }
      Optional<Integer> desired = intAnnotation(rs, DESIRED_REPLICAS);
      return desired.isPresent()
          && specReplicas(rs) == replicas()
          && desired.get() == replicas()
          && statusInt(rs, "availableReplicas") == replicas();
    }

    /** GetProportion: this ReplicaSet's share of the replicas to add (or remove). */
    private int proportion(ObjectNode rs, int toAdd, int added) {
      if (specReplicas(rs) == 0 || toAdd == 0 || toAdd == added) {
        return 0;
      }
      int fraction = fraction(rs);
      int allowed = toAdd - added;
      return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    private int fraction(ObjectNode rs) {
      if (replicas() == 0) {
        return -specReplicas(rs);
      }
      int deploymentReplicas = replicas() + RolloutMath.maxSurge(d);
      int annotated =
          intAnnotation(rs, MAX_REPLICAS).orElse(originalStatus.path("replicas").asInt(0));
      if (annotated == 0) {
        return 0;
      }
      double newSize = ((double) specReplicas(rs) * deploymentReplicas) / annotated;
      return (int) roundHalfAwayFromZero(newSize) - specReplicas(rs);
    }

    private static double roundHalfAwayFromZero(double v) {
      return Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
    }

    private static List<ObjectNode> active(List<ObjectNode> rss) {
      List<ObjectNode> out = new ArrayList<>();
      for (ObjectNode rs : rss) {
        if (specReplicas(rs) > 0) {
          out.add(rs);
        }
      }
      return out;
    }

    // ---- RollingUpdate -------------------------------------------------------------------------

    private void rolloutRolling() {
      NewAndOld nao = getAllReplicaSetsAndSyncRevision(true);
      List<ObjectNode> all = nao.all();
      if (reconcileNewReplicaSet(all, nao.newRS())) {
        syncRolloutStatus(nao);
        return;
      }
      if (reconcileOldReplicaSets(all, active(nao.oldRSs()), nao.newRS())) {
        syncRolloutStatus(nao);
        return;
      }
      if (deploymentComplete(originalStatus)) {
        cleanupDeployment(nao.oldRSs());
      }
      syncRolloutStatus(nao);
    }

    private boolean reconcileNewReplicaSet(List<ObjectNode> all, ObjectNode newRS) {
      if (specReplicas(newRS) == replicas()) {
        return false;
      }
      if (specReplicas(newRS) > replicas()) {
        return scaleReplicaSetAndRecordEvent(newRS, replicas());
      }
      return scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(all, newRS));
    }

    private boolean reconcileOldReplicaSets(
        List<ObjectNode> all, List<ObjectNode> oldRSs, ObjectNode newRS) {
      if (sumSpec(oldRSs) == 0) {
        return false;
      }
      int allPods = sumSpec(all);
      int minAvailable = replicas() - RolloutMath.maxUnavailable(d);
      int newUnavailable = specReplicas(newRS) - statusInt(newRS, "availableReplicas");
      int maxScaledDown = allPods - minAvailable - newUnavailable;
      if (maxScaledDown <= 0) {
        return false;
      }
      int cleaned = cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
      List<ObjectNode> allAfter = new ArrayList<>(oldRSs);
      allAfter.add(newRS);
      int scaledDown = scaleDownOldReplicaSetsForRollingUpdate(allAfter, oldRSs);
      return cleaned + scaledDown > 0;
    }

    /** Scales down old ReplicaSets' unavailable pods first, oldest ReplicaSet first. */
    private int cleanupUnhealthyReplicas(List<ObjectNode> oldRSs, int maxCleanup) {
      List<ObjectNode> sorted = new ArrayList<>(oldRSs);
      sorted.sort(BY_CREATION);
      int total = 0;
      for (ObjectNode rs : sorted) {
        if (total >= maxCleanup) {
          break;
        }
        int spec = specReplicas(rs);
        int available = statusInt(rs, "availableReplicas");
        if (spec == 0 || spec == available) {
          continue;
        }
        int count = Math.min(maxCleanup - total, spec - available);
        int newCount = spec - count;
        if (newCount > spec) {
          continue;
        }
        scaleReplicaSetAndRecordEvent(rs, newCount);
        total += count;
      }
      return total;
    }

    /** Scales old ReplicaSets down as far as availability allows, oldest first. */
    private int scaleDownOldReplicaSetsForRollingUpdate(
        List<ObjectNode> all, List<ObjectNode> oldRSs) {
      int minAvailable = replicas() - RolloutMath.maxUnavailable(d);
      int available = sumStatus(all, "availableReplicas");
      if (available <= minAvailable) {
        return 0;
      }
      List<ObjectNode> sorted = new ArrayList<>(oldRSs);
      sorted.sort(BY_CREATION);
      int total = 0;
      int toScaleDown = available - minAvailable;
      for (ObjectNode rs : sorted) {
        if (total >= toScaleDown) {
          break;
        }
        if (specReplicas(rs) == 0) {
          continue;
        }
        int count = Math.min(specReplicas(rs), toScaleDown - total);
        scaleReplicaSetAndRecordEvent(rs, specReplicas(rs) - count);
        total += count;
      }
      return total;
    }

    // ---- Recreate ------------------------------------------------------------------------------

    private void rolloutRecreate() {
      NewAndOld nao = getAllReplicaSetsAndSyncRevision(false);
      boolean scaledDown = false;
      for (ObjectNode old : active(nao.oldRSs())) {
        scaledDown |= scaleReplicaSetAndRecordEvent(old, 0);
      }
      if (scaledDown || oldPodsRunning(nao)) {
        syncRolloutStatus(nao);
        return;
      }
      if (nao.newRS() == null) {
        nao = getAllReplicaSetsAndSyncRevision(true);
      }
      scaleReplicaSetAndRecordEvent(nao.newRS(), replicas());
      if (deploymentComplete(originalStatus)) {
        cleanupDeployment(nao.oldRSs());
      }
      syncRolloutStatus(nao);
    }

    private boolean oldPodsRunning(NewAndOld nao) {
      if (sumStatus(nao.oldRSs(), "replicas") > 0) {
        return true;
      }
      String newUid = nao.newRS() == null ? "" : Json.metaText(nao.newRS(), "uid");
      for (JsonNode pod : pods) {
        Optional<JsonNode> controller = OwnerReferences.controllerOf(pod);
        if (controller.isEmpty()) {
          continue;
        }
        String uid = controller.get().path("uid").asText();
        if (uid.equals(newUid)
            || rss.stream().noneMatch(rs -> uid.equals(Json.metaText(rs, "uid")))) {
          continue;
        }
        String phase = PodReadiness.phase(pod);
        if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
          return true;
        }
      }
      return false;
    }

    // ---- history -------------------------------------------------------------------------------

    /** Deletes the oldest ReplicaSets beyond revisionHistoryLimit that have scaled to zero. */
    private void cleanupDeployment(List<ObjectNode> oldRSs) {
      JsonNode limitNode = d.path("spec").get("revisionHistoryLimit");
      if (limitNode == null || limitNode.isNull() || limitNode.asLong() == Integer.MAX_VALUE) {
        return;
      }
      int limit = limitNode.asInt();
      List<ObjectNode> cleanable = new ArrayList<>();
      for (ObjectNode rs : oldRSs) {
        if (!rs.path("metadata").has("deletionTimestamp") && rs != created) {
          cleanable.add(rs);
        }
      }
      int diff = cleanable.size() - limit;
      if (diff <= 0) {
        return;
      }
      cleanable.sort(BY_REVISION);
      for (int i = 0; i < diff; i++) {
        ObjectNode rs = cleanable.get(i);
        if (statusInt(rs, "replicas") != 0
            || specReplicas(rs) != 0
            || rs.path("metadata").path("generation").asLong(0)
                > rs.path("status").path("observedGeneration").asLong(0)
            || dirty.containsKey(rs)) {
          continue;
        }
        deletions.add(rs);
      }
    }

    // ---- status --------------------------------------------------------------------------------

    private ObjectNode calculateStatus(NewAndOld nao) {
      List<ObjectNode> all = nao.all();
      int available = sumStatus(all, "availableReplicas");
      int total = sumSpec(all);
      int unavailable = Math.max(0, total - available);
      ObjectNode s = Json.MAPPER.createObjectNode();
      putNonZero(s, "observedGeneration", generation());
      putNonZero(s, "replicas", sumStatus(all, "replicas"));
      putNonZero(
          s, "updatedReplicas", nao.newRS() == null ? 0 : statusInt(nao.newRS(), "replicas"));
      putNonZero(s, "readyReplicas", sumStatus(all, "readyReplicas"));
      putNonZero(s, "availableReplicas", available);
      putNonZero(s, "unavailableReplicas", unavailable);
      JsonNode conditions = status().get("conditions");
      if (conditions instanceof ArrayNode array && !array.isEmpty()) {
        s.set("conditions", array.deepCopy());
      }
      if (status().has("collisionCount")) {
        s.set("collisionCount", status().get("collisionCount"));
      }
      if (available >= replicas() - RolloutMath.maxUnavailable(d)) {
        setCondition(
            s,
            newCondition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now));
      } else {
        setCondition(
            s,
            newCondition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now));
      }
      return s;
    }

    private static void putNonZero(ObjectNode s, String field, long value) {
      if (value != 0) {
        s.put(field, value);
      }
    }

    private void syncDeploymentStatus(NewAndOld nao) {
      status = calculateStatus(nao);
    }

    private boolean hasProgressDeadline() {
      JsonNode p = d.path("spec").get("progressDeadlineSeconds");
      return p != null && !p.isNull() && p.asLong() != Integer.MAX_VALUE;
    }

    private void syncRolloutStatus(NewAndOld nao) {
      ObjectNode newStatus = calculateStatus(nao);
      if (!hasProgressDeadline()) {
        removeCondition(newStatus, "Progressing");
      }
      Optional<ObjectNode> current = condition(status(), "Progressing");
      boolean isComplete =
          newStatus.path("replicas").asInt(0) == newStatus.path("updatedReplicas").asInt(0)
              && current.isPresent()
              && "NewReplicaSetAvailable".equals(current.get().path("reason").asText());
      String subject =
          nao.newRS() != null
              ? "ReplicaSet \"" + Json.name(nao.newRS()) + "\""
              : "Deployment \"" + Json.name(d) + "\"";
      if (hasProgressDeadline() && !isComplete) {
        if (deploymentComplete(newStatus)) {
          setCondition(
              newStatus,
              newCondition(
                  "Progressing",
                  "True",
                  "NewReplicaSetAvailable",
                  subject + " has successfully progressed.",
                  now));
        } else if (deploymentProgressing(newStatus)) {
          ObjectNode condition =
              newCondition(
                  "Progressing", "True", "ReplicaSetUpdated", subject + " is progressing.", now);
          Optional<ObjectNode> inNew = condition(newStatus, "Progressing");
          if (inNew.isPresent()) {
            if ("True".equals(inNew.get().path("status").asText())) {
              condition.set("lastTransitionTime", inNew.get().get("lastTransitionTime"));
            }
            removeCondition(newStatus, "Progressing");
          }
          setCondition(newStatus, condition);
        } else if (timedOut(newStatus)) {
          setCondition(
              newStatus,
              newCondition(
                  "Progressing",
                  "False",
                  "ProgressDeadlineExceeded",
                  subject + " has timed out progressing.",
                  now));
        }
      }
      Optional<ObjectNode> failure = replicaFailure(nao);
      if (failure.isPresent()) {
        setCondition(newStatus, failure.get());
      } else {
        removeCondition(newStatus, "ReplicaFailure");
      }
      status = newStatus;
    }

    private boolean deploymentComplete(JsonNode s) {
      int r = replicas();
      return s.path("updatedReplicas").asInt(0) == r
          && s.path("replicas").asInt(0) == r
          && s.path("availableReplicas").asInt(0) == r
          && s.path("observedGeneration").asLong(0) >= generation();
    }

    private boolean deploymentProgressing(JsonNode s) {
      JsonNode old = originalStatus;
      int oldOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
      int newOld = s.path("replicas").asInt(0) - s.path("updatedReplicas").asInt(0);
      return s.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
          || newOld < oldOld
          || s.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
          || s.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0);
    }

    private boolean timedOut(JsonNode s) {
      Optional<ObjectNode> c = condition(s, "Progressing");
      if (c.isEmpty()) {
        return false;
      }
      String reason = c.get().path("reason").asText();
      if ("NewReplicaSetAvailable".equals(reason)) {
        return false;
      }
      if ("ProgressDeadlineExceeded".equals(reason)) {
        return true;
      }
      Optional<Instant> from = PodReadiness.time(c.get().path("lastUpdateTime").asText(""));
      long deadline = d.path("spec").path("progressDeadlineSeconds").asLong();
      return from.isPresent() && from.get().plusSeconds(deadline).isBefore(now);
    }

    private Optional<ObjectNode> replicaFailure(NewAndOld nao) {
      List<ObjectNode> ordered = new ArrayList<>();
      if (nao.newRS() != null) {
        ordered.add(nao.newRS());
      }
      ordered.addAll(nao.all());
      for (ObjectNode rs : ordered) {
        Optional<ObjectNode> c = condition(rs.path("status"), "ReplicaFailure");
        if (c.isPresent()) {
          ObjectNode condition = Json.MAPPER.createObjectNode();
          condition.put("type", "ReplicaFailure");
          condition.set("status", c.get().path("status"));
          condition.set("lastUpdateTime", c.get().path("lastTransitionTime"));
          condition.set("lastTransitionTime", c.get().path("lastTransitionTime"));
          condition.set("reason", c.get().path("reason"));
          condition.set("message", c.get().path("message"));
          return Optional.of(condition);
        }
      }
      return Optional.empty();
    }

    /** Progressing Unknown DeploymentPaused / DeploymentResumed, unless timed out. */
    private void checkPausedConditions() {
      if (!hasProgressDeadline()) {
        return;
      }
      Optional<ObjectNode> c = condition(status(), "Progressing");
      if (c.isPresent() && "ProgressDeadlineExceeded".equals(c.get().path("reason").asText())) {
        return;
      }
      boolean pausedCondExists =
          c.isPresent() && "DeploymentPaused".equals(c.get().path("reason").asText());
      boolean paused = d.path("spec").path("paused").asBoolean(false);
      if (paused && !pausedCondExists) {
        setCondition(
            status(),
            newCondition(
                "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now));
      } else if (!paused && pausedCondExists) {
        setCondition(
            status(),
            newCondition(
                "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now));
      }
    }
  }

  /** The pods a deployment's selector selects (used for Recreate's wait). */
  public static List<JsonNode> selectedPods(JsonNode deployment, List<? extends JsonNode> pods) {
    LabelSelector selector = LabelSelector.fromJson(deployment.path("spec").path("selector"));
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode pod : pods) {
      if (!selector.isEmpty() && selector.matches(Json.labels(pod))) {
        out.add(pod);
      }
    }
    return out;
  }
}
