package io.akkube.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle.Decision;
import io.akkube.core.object.ObjectLifecycle.Persist;
import io.akkube.core.object.ObjectLifecycle.Reject;
import io.akkube.core.object.ObjectLifecycle.Unchanged;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decisions every kind shares (DESIGN.md §3): what a client sees for create, update, patch,
 * delete and bind, given the stored object as the entity last published it (resourceVersion set).
 */
class ObjectLifecycleTest {

  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

  /** A namespaced kind with a spec and the default (no-op) strategy: it tracks generation. */
  private static final ResourceType WIDGETS =
      new ResourceType(
          "example.com", "v1", "Widget", "widgets", "widget", true, List.of(), List.of(), Set.of());

  private final ObjectLifecycle pods = lifecycle(ResourceTypes.PODS);
  private final ObjectLifecycle configMaps = lifecycle(ResourceTypes.CONFIG_MAPS);
  private final ObjectLifecycle namespaces = lifecycle(ResourceTypes.NAMESPACES);
  private final ObjectLifecycle widgets = lifecycle(WIDGETS);

  // ---------------------------------------------------------------- create

  @Test
  void everyIncarnationUnderOneNameGetsItsOwnUid() {
    ObjectNode first = stored(configMaps.create(null, configMap("settings"), NOW), 1);
    assertThat(uid(first)).isNotEmpty();
    assertThat(Json.metaText(first, "creationTimestamp")).isEqualTo("2024-05-01T10:00:00Z");

    Decision delete = configMaps.delete(first, DeleteOptions.DEFAULT, "settings", NOW);
    assertThat(event(delete)).isInstanceOf(ObjectEvent.Deleted.class);

    ObjectNode input = configMap("settings");
    Json.meta(input).put("uid", uid(first)); // a client cannot choose the uid
    ObjectNode second = stored(configMaps.create(null, input, NOW.plusSeconds(5)), 3);
    assertThat(uid(second)).isNotEmpty().isNotEqualTo(uid(first));
  }

  @Test
  void creatingWhatExistsIsAlreadyExists() {
    ObjectNode current = stored(configMaps.create(null, configMap("settings"), NOW), 1);
    ApiStatus status = rejected(configMaps.create(current, configMap("settings"), NOW));
    assertThat(status.code()).isEqualTo(409);
    assertThat(status.reason()).isEqualTo("AlreadyExists");
    assertThat(status.message()).isEqualTo("configmaps \"settings\" already exists");
  }

  @Test
  void createRejectsAResourceVersionSetByTheClient() {
    ObjectNode input = configMap("settings");
    Json.meta(input).put("resourceVersion", "42");
    ApiStatus status = rejected(configMaps.create(null, input, NOW));
    assertThat(status.code()).isEqualTo(422);
    assertThat(status.reason()).isEqualTo("Invalid");
    assertThat(status.details().causes())
        .extracting(ApiStatus.Cause::field)
        .containsExactly("metadata.resourceVersion");
    assertThat(status.message())
        .isEqualTo(
            "ConfigMap \"settings\" is invalid: metadata.resourceVersion: Invalid value: \"42\":"
                + " must be empty");
  }

  @Test
  void aNewPodIsPendingWhateverStatusTheClientSent() {
    ObjectNode input = pod("web");
    input.putObject("status").put("phase", "Running");
    Decision decision = pods.create(null, input, NOW);
    ObjectEvent created = event(decision);
    assertThat(created).isInstanceOf(ObjectEvent.Created.class);
    assertThat(created.watchType()).isEqualTo("ADDED");
    assertThat(created.object().at("/status/phase").asText()).isEqualTo("Pending");
    assertThat(created.object().at("/metadata/resourceVersion").isMissingNode()).isTrue();
    assertThat(created.object().path("kind").asText()).isEqualTo("Pod");
  }

  @Test
  void invalidFieldsAre422WithOneCausePerField() {
    ObjectNode input = pod("web");
    ((ObjectNode) input.at("/spec/containers/0")).remove("image");
    ApiStatus status = rejected(pods.create(null, input, NOW));
    assertThat(status.code()).isEqualTo(422);
    assertThat(status.reason()).isEqualTo("Invalid");
    assertThat(status.message())
        .isEqualTo("Pod \"web\" is invalid: spec.containers[0].image: Required value");
    assertThat(status.details().kind()).isEqualTo("Pod");
    assertThat(status.details().name()).isEqualTo("web");
    assertThat(status.details().causes())
        .containsExactly(
            new ApiStatus.Cause(
                "FieldValueRequired", "Required value", "spec.containers[0].image"));

    ObjectNode twoErrors = pod("Bad_Name");
    ((ObjectNode) twoErrors.at("/spec/containers/0")).remove("image");
    ApiStatus both = rejected(pods.create(null, twoErrors, NOW));
    assertThat(both.code()).isEqualTo(422);
    assertThat(both.message()).startsWith("Pod \"Bad_Name\" is invalid: [");
    assertThat(both.details().causes())
        .extracting(ApiStatus.Cause::field)
        .contains("metadata.name", "spec.containers[0].image");
  }

  // ---------------------------------------------------------------- update

  @Test
  void updateWithAStaleResourceVersionIsAConflictWordedAsKubernetes() {
    ObjectNode current = stored(pods.create(null, pod("web"), NOW), 7);
    ObjectNode stale = current.deepCopy();
    Json.meta(stale).put("resourceVersion", "6");
    Json.meta(stale).putObject("labels").put("app", "web");

    ApiStatus status = rejected(pods.update(current, stale, null, NOW));
    assertThat(status.code()).isEqualTo(409);
    assertThat(status.reason()).isEqualTo("Conflict");
    assertThat(status.message())
        .isEqualTo(
            "Operation cannot be fulfilled on pods \"web\": the object has been modified; please"
                + " apply your changes to the latest version and try again");
    assertThat(status.details().name()).isEqualTo("web");
    assertThat(status.details().kind()).isEqualTo("pods");

    // The same precondition on a patch (the patch carries the resourceVersion).
    byte[] patch = "{\"metadata\":{\"resourceVersion\":\"6\",\"labels\":{\"a\":\"b\"}}}".getBytes();
    assertThat(rejected(pods.patch(current, PatchType.MERGE_PATCH, patch, null, "web", NOW)).code())
        .isEqualTo(409);
  }

  @Test
  void updateWithTheCurrentResourceVersionOrNoneSucceeds() {
    ObjectNode current = stored(pods.create(null, pod("web"), NOW), 7);
    ObjectNode withRv = current.deepCopy();
    Json.meta(withRv).putObject("labels").put("app", "web");
    assertThat(event(pods.update(current, withRv, null, NOW))).isNotNull();

    ObjectNode withoutRv = withRv.deepCopy();
    Json.meta(withoutRv).remove("resourceVersion");
    assertThat(event(pods.update(current, withoutRv, null, NOW))).isNotNull();
  }

  @Test
  void aUidPreconditionOfAnotherIncarnationIsAConflict() {
    ObjectNode current = stored(pods.create(null, pod("web"), NOW), 7);
    ObjectNode update = current.deepCopy();
    Json.meta(update).put("uid", "0000-old-incarnation");
    Json.meta(update).putObject("labels").put("app", "web");

    ApiStatus onUpdate = rejected(pods.update(current, update, null, NOW));
    assertThat(onUpdate.code()).isEqualTo(409);
    assertThat(onUpdate.reason()).isEqualTo("Conflict");
    assertThat(onUpdate.message())
        .isEqualTo(
            "Operation cannot be fulfilled on pods \"web\": Precondition failed: UID in"
                + " precondition: 0000-old-incarnation, UID in object meta: "
                + uid(current));

    ApiStatus onDelete =
        rejected(
            pods.delete(
                current,
                new DeleteOptions(null, "0000-old-incarnation", null, null, false),
                "web",
                NOW));
    assertThat(onDelete.code()).isEqualTo(409);
    assertThat(onDelete.message())
        .isEqualTo(
            "Operation cannot be fulfilled on pods \"web\": Precondition failed: UID in"
                + " precondition: 0000-old-incarnation, UID in object meta: "
                + uid(current));

    ApiStatus staleRvOnDelete =
        rejected(pods.delete(current, new DeleteOptions(null, null, "6", null, false), "web", NOW));
    assertThat(staleRvOnDelete.code()).isEqualTo(409);
    assertThat(staleRvOnDelete.message())
        .isEqualTo(
            "Operation cannot be fulfilled on pods \"web\": Precondition failed: ResourceVersion in"
                + " precondition: 6, ResourceVersion in object meta: 7");
  }

  @Test
  void theStatusSubresourceChangesOnlyStatus() {
    ObjectNode current = stored(pods.create(null, pod("web"), NOW), 3);
    ObjectNode input = current.deepCopy();
    ((ObjectNode) input.at("/spec/containers/0")).put("image", "nginx:1.26");
    Json.meta(input).putObject("labels").put("app", "web");
    ((ObjectNode) input.get("status")).put("phase", "Running");

    ObjectEvent event = event(pods.update(current, input, "status", NOW));
    assertThat(event).isInstanceOf(ObjectEvent.StatusReplaced.class);
    assertThat(event.watchType()).isEqualTo("MODIFIED");
    assertThat(event.object().at("/status/phase").asText()).isEqualTo("Running");
    assertThat(event.object().get("spec")).isEqualTo(current.get("spec"));
    assertThat(event.object().at("/metadata/labels").isMissingNode()).isTrue();
    assertThat(event.object().at("/metadata/resourceVersion").isMissingNode()).isTrue();
  }

  @Test
  void theMainResourceUpdateKeepsTheStoredStatus() {
    ObjectNode created = stored(pods.create(null, pod("web"), NOW), 3);
    ObjectNode running = created.deepCopy();
    ((ObjectNode) running.get("status")).put("phase", "Running");
    ObjectNode current = stored(pods.update(created, running, "status", NOW), 4);

    ObjectNode input = current.deepCopy();
    ((ObjectNode) input.get("status")).put("phase", "Failed");
    ((ObjectNode) input.at("/spec/containers/0")).put("image", "nginx:1.26");
    ObjectEvent event = event(pods.update(current, input, null, NOW));
    assertThat(event).isInstanceOf(ObjectEvent.SpecReplaced.class);
    assertThat(event.object().at("/status/phase").asText()).isEqualTo("Running");
    assertThat(event.object().at("/spec/containers/0/image").asText()).isEqualTo("nginx:1.26");
  }

  @Test
  void aMetadataOnlyChangeIsMetadataPatchedAndKeepsTheGeneration() {
    ObjectNode current = stored(widgets.create(null, widget("w", 1), NOW), 2);
    assertThat(current.at("/metadata/generation").asLong()).isEqualTo(1);

    ObjectNode labelled = current.deepCopy();
    Json.meta(labelled).putObject("labels").put("tier", "front");
    ObjectEvent metadataOnly = event(widgets.update(current, labelled, null, NOW));
    assertThat(metadataOnly).isInstanceOf(ObjectEvent.MetadataPatched.class);
    assertThat(metadataOnly.object().at("/metadata/generation").asLong()).isEqualTo(1);

    ObjectNode resized = current.deepCopy();
    ((ObjectNode) resized.get("spec")).put("size", 2);
    ObjectEvent spec = event(widgets.update(current, resized, null, NOW));
    assertThat(spec).isInstanceOf(ObjectEvent.SpecReplaced.class);
    assertThat(spec.object().at("/metadata/generation").asLong()).isEqualTo(2);

    byte[] patch = "{\"metadata\":{\"annotations\":{\"note\":\"x\"}}}".getBytes();
    assertThat(event(widgets.patch(current, PatchType.MERGE_PATCH, patch, null, "w", NOW)))
        .isInstanceOf(ObjectEvent.MetadataPatched.class);
  }

  @Test
  void anUpdateThatChangesNothingIsUnchanged() {
    ObjectNode current = stored(pods.create(null, pod("web"), NOW), 3);
    assertThat(pods.update(current, current.deepCopy(), null, NOW)).isInstanceOf(Unchanged.class);

    byte[] samePatch = "{\"metadata\":{\"name\":\"web\"}}".getBytes(StandardCharsets.UTF_8);
    assertThat(pods.patch(current, PatchType.MERGE_PATCH, samePatch, null, "web", NOW))
        .isInstanceOf(Unchanged.class);
  }

  @Test
  void updatingAMissingObjectIsNotFound() {
    ApiStatus status = rejected(pods.update(null, pod("web"), null, NOW));
    assertThat(status.code()).isEqualTo(404);
    assertThat(status.message()).isEqualTo("pods \"web\" not found");
  }

  // ---------------------------------------------------------------- deletion

  @Test
  void deletingAnObjectWithFinalizersWaitsUntilTheLastOneIsRemoved() {
    ObjectNode input = configMap("settings");
    Json.meta(input).putArray("finalizers").add("example.com/a").add("example.com/b");
    ObjectNode current = stored(configMaps.create(null, input, NOW), 1);

    ObjectEvent requested =
        event(configMaps.delete(current, DeleteOptions.DEFAULT, "settings", NOW));
    assertThat(requested).isInstanceOf(ObjectEvent.DeletionRequested.class);
    assertThat(requested.watchType()).isEqualTo("MODIFIED");
    assertThat(Json.metaText(requested.object(), "deletionTimestamp"))
        .isEqualTo("2024-05-01T10:00:00Z");
    ObjectNode terminating = stored(requested, 2);

    // Deleting again changes nothing while finalizers are pending.
    assertThat(configMaps.delete(terminating, DeleteOptions.DEFAULT, "settings", NOW))
        .isInstanceOf(Unchanged.class);

    ObjectNode oneLeft = terminating.deepCopy();
    Json.meta(oneLeft).putArray("finalizers").add("example.com/b");
    ObjectEvent removedOne = event(configMaps.update(terminating, oneLeft, null, NOW));
    assertThat(removedOne).isInstanceOf(ObjectEvent.MetadataPatched.class);
    ObjectNode lastFinalizer = stored(removedOne, 3);

    ObjectNode none = lastFinalizer.deepCopy();
    Json.meta(none).remove("finalizers");
    ObjectEvent deleted = event(configMaps.update(lastFinalizer, none, null, NOW));
    assertThat(deleted).isInstanceOf(ObjectEvent.Deleted.class);
    assertThat(deleted.watchType()).isEqualTo("DELETED");
    assertThat(uid(deleted.object())).isEqualTo(uid(current));
  }

  @Test
  void aPodBoundToANodeIsDeletedGracefullyThenForcedWithGraceZero() {
    ObjectNode created = stored(pods.create(null, pod("web"), NOW), 1);
    ObjectEvent bound = event(pods.bind(created, "web", "node-1", NOW));
    assertThat(bound).isInstanceOf(ObjectEvent.Bound.class);
    assertThat(bound.object().at("/spec/nodeName").asText()).isEqualTo("node-1");
    assertThat(bound.object().at("/status/conditions/0/type").asText()).isEqualTo("PodScheduled");
    assertThat(bound.object().at("/status/conditions/0/status").asText()).isEqualTo("True");
    ObjectNode running = stored(bound, 2);

    ObjectEvent graceful = event(pods.delete(running, DeleteOptions.DEFAULT, "web", NOW));
    assertThat(graceful).isInstanceOf(ObjectEvent.DeletionRequested.class);
    assertThat(graceful.object().at("/metadata/deletionGracePeriodSeconds").asLong()).isEqualTo(30);
    assertThat(Json.metaText(graceful.object(), "deletionTimestamp"))
        .isEqualTo("2024-05-01T10:00:30Z");
    ObjectNode terminating = stored(graceful, 3);

    // A second delete with the same (or a longer) grace period changes nothing.
    assertThat(pods.delete(terminating, DeleteOptions.DEFAULT, "web", NOW.plusSeconds(1)))
        .isInstanceOf(Unchanged.class);

    Decision force =
        pods.delete(
            terminating, new DeleteOptions(0L, null, null, null, false), "web", NOW.plusSeconds(2));
    assertThat(event(force)).isInstanceOf(ObjectEvent.Deleted.class);
  }

  /**
   * The kubelet reports the containers' termination through pods/status while the pod is deleted
   * gracefully; the pod must stay until the kubelet's final delete with grace 0 (the apiserver's
   * ShouldDeleteDuringUpdate deletes during an update only when deletionGracePeriodSeconds is 0).
   */
  @Test
  void aStatusUpdateOfAGracefullyTerminatingPodDoesNotDeleteIt() {
    ObjectNode bound =
        stored(pods.bind(stored(pods.create(null, pod("web"), NOW), 1), "web", "node-1", NOW), 2);
    ObjectNode terminating = stored(pods.delete(bound, DeleteOptions.DEFAULT, "web", NOW), 3);
    assertThat(terminating.at("/metadata/deletionGracePeriodSeconds").asLong()).isEqualTo(30);

    ObjectNode report = terminating.deepCopy();
    ((ObjectNode) report.get("status")).put("phase", "Running").put("podIP", "10.0.0.7");
    ObjectEvent event = event(pods.update(terminating, report, "status", NOW.plusSeconds(1)));
    assertThat(event).isInstanceOf(ObjectEvent.StatusReplaced.class);
    assertThat(event.object().at("/status/podIP").asText()).isEqualTo("10.0.0.7");
  }

  /**
   * Kubernetes deletes an unscheduled pod at once whatever grace period the client asks for
   * (podStrategy.CheckGracefulDelete): no kubelet would ever confirm its termination.
   */
  @Test
  void anUnscheduledPodIsDeletedAtOnceEvenWithAGracePeriod() {
    ObjectNode pending = stored(pods.create(null, pod("web"), NOW), 1);
    Decision decision =
        pods.delete(pending, new DeleteOptions(30L, null, null, null, false), "web", NOW);
    assertThat(event(decision)).isInstanceOf(ObjectEvent.Deleted.class);
  }

  /**
   * Only kinds with a graceful-delete strategy (pods) wait out a grace period; for any other kind
   * Kubernetes ignores gracePeriodSeconds and deletes at once (rest.BeforeDelete). Nothing would
   * ever finish the deletion of a configmap left terminating.
   */
  @Test
  void aKindWithoutGracefulDeletionIgnoresTheGracePeriod() {
    ObjectNode current = stored(configMaps.create(null, configMap("settings"), NOW), 1);
    Decision decision =
        configMaps.delete(
            current, new DeleteOptions(30L, null, null, null, false), "settings", NOW);
    assertThat(event(decision)).isInstanceOf(ObjectEvent.Deleted.class);
  }

  @Test
  void anUnscheduledPodIsDeletedAtOnceByDefault() {
    ObjectNode pending = stored(pods.create(null, pod("web"), NOW), 1);
    assertThat(event(pods.delete(pending, DeleteOptions.DEFAULT, "web", NOW)))
        .isInstanceOf(ObjectEvent.Deleted.class);
  }

  @Test
  void aNamespaceIsTerminatingUntilItsSpecFinalizersAreFinalized() {
    ObjectNode created = stored(namespaces.create(null, namespace("team-a"), NOW), 1);
    assertThat(created.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");
    assertThat(created.at("/status/phase").asText()).isEqualTo("Active");

    // The main resource cannot drop spec.finalizers.
    ObjectNode withoutFinalizers = created.deepCopy();
    ((ObjectNode) withoutFinalizers.get("spec")).remove("finalizers");
    Decision mainUpdate = namespaces.update(created, withoutFinalizers, null, NOW);
    assertThat(mainUpdate).isInstanceOf(Unchanged.class);

    ObjectEvent requested = event(namespaces.delete(created, DeleteOptions.DEFAULT, "team-a", NOW));
    assertThat(requested).isInstanceOf(ObjectEvent.DeletionRequested.class);
    assertThat(requested.object().at("/status/phase").asText()).isEqualTo("Terminating");
    assertThat(Json.metaText(requested.object(), "deletionTimestamp")).isNotEmpty();
    ObjectNode terminating = stored(requested, 2);

    ObjectNode finalize = terminating.deepCopy();
    ((ObjectNode) finalize.get("spec")).putArray("finalizers");
    ObjectEvent deleted = event(namespaces.update(terminating, finalize, "finalize", NOW));
    assertThat(deleted).isInstanceOf(ObjectEvent.Deleted.class);
    assertThat(deleted.watchType()).isEqualTo("DELETED");
  }

  @Test
  void finalizingANamespaceThatIsNotBeingDeletedKeepsIt() {
    ObjectNode created = stored(namespaces.create(null, namespace("team-b"), NOW), 1);
    ObjectNode finalize = created.deepCopy();
    ((ObjectNode) finalize.get("spec")).putArray("finalizers");
    ObjectEvent event = event(namespaces.update(created, finalize, "finalize", NOW));
    assertThat(event).isNotInstanceOf(ObjectEvent.Deleted.class);
    assertThat(event.object().at("/spec/finalizers").size()).isZero();
  }

  // ---------------------------------------------------------------- bind

  @Test
  void bindingAnAlreadyBoundPodIsAConflict() {
    ObjectNode bound =
        stored(pods.bind(stored(pods.create(null, pod("web"), NOW), 1), "web", "node-1", NOW), 2);
    ApiStatus status = rejected(pods.bind(bound, "web", "node-2", NOW));
    assertThat(status.code()).isEqualTo(409);
    assertThat(status.reason()).isEqualTo("Conflict");
    assertThat(status.message()).endsWith("pod web is already assigned to node \"node-1\"");
  }

  @Test
  void bindingAPodBeingDeletedIsAConflict() {
    ObjectNode input = pod("web");
    Json.meta(input).putArray("finalizers").add("example.com/keep");
    ObjectNode created = stored(pods.create(null, input, NOW), 1);
    ObjectNode terminating = stored(pods.delete(created, DeleteOptions.DEFAULT, "web", NOW), 2);
    ApiStatus status = rejected(pods.bind(terminating, "web", "node-1", NOW));
    assertThat(status.code()).isEqualTo(409);
    assertThat(status.message()).endsWith("pod web is being deleted, cannot be assigned");
  }

  // ---------------------------------------------------------------- helpers

  private static ObjectLifecycle lifecycle(ResourceType type) {
    return new ObjectLifecycle(type, ResourceStrategies.of(type));
  }

  private static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode pod(String name) {
    return obj(
        "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
            + name
            + "','namespace':'default'},"
            + "'spec':{'containers':[{'name':'app','image':'nginx:1.25'}]}}");
  }

  private static ObjectNode configMap(String name) {
    return obj(
        "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'"
            + name
            + "','namespace':'default'},'data':{'k':'v'}}");
  }

  private static ObjectNode namespace(String name) {
    return obj("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'" + name + "'}}");
  }

  private static ObjectNode widget(String name, int size) {
    return obj(
        "{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'"
            + name
            + "','namespace':'default'},'spec':{'size':"
            + size
            + "}}");
  }

  private static ObjectEvent event(Decision decision) {
    assertThat(decision).as("decision").isInstanceOf(Persist.class);
    return ((Persist) decision).event();
  }

  private static ApiStatus rejected(Decision decision) {
    assertThat(decision).as("decision").isInstanceOf(Reject.class);
    return ((Reject) decision).status();
  }

  /** The object as the entity publishes it after the revision log assigned {@code rv}. */
  private static ObjectNode stored(Decision decision, long rv) {
    return stored(event(decision), rv);
  }

  private static ObjectNode stored(ObjectEvent event, long rv) {
    ObjectNode copy = event.object().deepCopy();
    Json.meta(copy).put("resourceVersion", Long.toString(rv));
    return copy;
  }

  private static String uid(ObjectNode obj) {
    return Json.metaText(obj, "uid");
  }
}
