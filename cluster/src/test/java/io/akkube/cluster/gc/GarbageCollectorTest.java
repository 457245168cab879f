package io.akkube.cluster.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.gc.GarbageCollection.Action;
import io.akkube.cluster.gc.GarbageCollection.Item;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The collector plans over the objects that take part (with owners or being deleted) rather than
 * over every object: for each situation of Kubernetes' garbage collector, both plans are the same.
 */
class GarbageCollectorTest {

  private static Item object(
      ResourceType type, String name, String uid, List<String> finalizers, boolean deleting) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ObjectNode meta = Json.meta(o);
    meta.put("name", name);
    meta.put("namespace", "default");
    meta.put("uid", uid);
    if (!finalizers.isEmpty()) {
      ArrayNode f = meta.putArray("finalizers");
      finalizers.forEach(f::add);
    }
    if (deleting) {
      meta.put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    return new Item(type, o);
  }

  private static Item ownedBy(Item dependent, Item owner, boolean blockOwnerDeletion) {
    ObjectNode ref = Json.meta(dependent.object()).withArray("ownerReferences").addObject();
    ref.put("apiVersion", owner.type().apiVersion());
    ref.put("kind", owner.type().kind());
    ref.put("name", Json.name(owner.object()));
    ref.put("uid", Json.metaText(owner.object(), "uid"));
    ref.put("controller", true);
    if (blockOwnerDeletion) {
      ref.put("blockOwnerDeletion", true);
    }
    return dependent;
  }

  private static List<Action> planOverTakingPart(List<Item> all, Set<String> absent) {
    List<Item> taking = all.stream().filter(i -> GarbageCollector.takesPart(i.object())).toList();
    Set<String> missing = GarbageCollection.missingOwners(taking);
    all.forEach(i -> missing.remove(Json.metaText(i.object(), "uid")));
    assertThat(absent).containsAll(missing);
    return GarbageCollection.plan(taking, absent);
  }

  private static void samePlan(List<Item> all, Set<String> absent, int expectedActions) {
    List<Action> everything = GarbageCollection.plan(all, absent);
    assertThat(everything).hasSize(expectedActions);
    assertThat(planOverTakingPart(all, absent)).containsExactlyInAnyOrderElementsOf(everything);
  }

  @Test
  void ownedObjectsOfALiveOwnerAreLeftAlone() {
    Item rs = object(ResourceTypes.REPLICA_SETS, "web", "rs-1", List.of(), false);
    Item pod = ownedBy(object(ResourceTypes.PODS, "web-a", "pod-1", List.of(), false), rs, true);
    Item unrelated = object(ResourceTypes.CONFIG_MAPS, "cm", "cm-1", List.of(), false);
    samePlan(List.of(rs, pod, unrelated), Set.of(), 0);
  }

  @Test
  void dependentsOfAGoneOwnerAreDeleted() {
    Item rs = object(ResourceTypes.REPLICA_SETS, "web", "rs-gone", List.of(), false);
    Item pod = ownedBy(object(ResourceTypes.PODS, "web-a", "pod-1", List.of(), false), rs, false);
    Item other = object(ResourceTypes.CONFIG_MAPS, "cm", "cm-1", List.of(), false);
    samePlan(List.of(pod, other), Set.of("rs-gone"), 1);
  }

  @Test
  void anOrphaningOwnerReleasesItsDependentsThenItsFinalizer() {
    Item deploy =
        object(ResourceTypes.DEPLOYMENTS, "web", "d-1", List.of(GarbageCollection.ORPHAN), true);
    Item rs =
        ownedBy(
            object(ResourceTypes.REPLICA_SETS, "web-1", "rs-1", List.of(), false), deploy, true);
    Item pod = ownedBy(object(ResourceTypes.PODS, "web-1-a", "pod-1", List.of(), false), rs, true);
    samePlan(List.of(deploy, rs, pod), Set.of(), 1);
    Item released = object(ResourceTypes.REPLICA_SETS, "web-1", "rs-1", List.of(), false);
    Item stillOwned =
        ownedBy(object(ResourceTypes.PODS, "web-1-a", "pod-1", List.of(), false), released, true);
    samePlan(List.of(deploy, released, stillOwned), Set.of(), 1);
  }

  @Test
  void aForegroundDeletionWaitsForBlockingDependentsAndDeletesThemFirst() {
    Item deploy =
        object(
            ResourceTypes.DEPLOYMENTS, "web", "d-1", List.of(GarbageCollection.FOREGROUND), true);
    Item rs =
        ownedBy(
            object(ResourceTypes.REPLICA_SETS, "web-1", "rs-1", List.of(), false), deploy, true);
    Item pod = ownedBy(object(ResourceTypes.PODS, "web-1-a", "pod-1", List.of(), false), rs, true);
    Item bystander = object(ResourceTypes.PODS, "other", "pod-2", List.of(), false);
    // The replica set waits for its owner and has dependents: deleted in the foreground too.
    samePlan(List.of(deploy, rs, pod, bystander), Set.of(), 1);
    // Once nothing blocks it, the owner loses its finalizer.
    samePlan(List.of(deploy, bystander), Set.of(), 1);
  }

  @Test
  void aDependentWithAnotherLiveOwnerOnlyLosesTheGoneReference() {
    Item gone = object(ResourceTypes.REPLICA_SETS, "old", "rs-gone", List.of(), false);
    Item live = object(ResourceTypes.REPLICA_SETS, "new", "rs-live", List.of(), false);
    Item pod = object(ResourceTypes.PODS, "shared", "pod-1", List.of(), false);
    ownedBy(pod, gone, false);
    ownedBy(pod, live, false);
    samePlan(List.of(live, pod), Set.of("rs-gone"), 1);
  }
}
