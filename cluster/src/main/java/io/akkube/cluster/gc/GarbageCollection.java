package io.akkube.cluster.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decisions of Kubernetes' garbage collector (pkg/controller/garbagecollector) over one
 * snapshot of every object, as a pure function. An owner reference is dangling when its owner no
 * longer exists (the caller has confirmed that with a live read), waiting when the owner is being
 * deleted in the foreground, solid otherwise.
 *
 * <ul>
 *   <li>A dependent without solid owners is deleted (Foreground when a foreground-deleting owner
 *       waits for it and it has dependents of its own, else as its own finalizers say).
 *   <li>A dependent with a solid owner loses its dangling and waiting references.
 *   <li>An owner deleted with {@code orphan} has its references removed from its dependents, then
 *       the finalizer; one deleted with {@code foregroundDeletion} loses the finalizer once no
 *       dependent blocks it (blockOwnerDeletion) any more.
 * </ul>
 */
public final class GarbageCollection {

  public static final String ORPHAN = "orphan";
  public static final String FOREGROUND = "foregroundDeletion";

  /** One stored object and its kind. */
  public record Item(ResourceType type, ObjectNode object) {
    String uid() {
      return Json.metaText(object, "uid");
    }

    boolean deleting() {
      return object.path("metadata").has("deletionTimestamp");
    }

    boolean hasFinalizer(String finalizer) {
      for (JsonNode f : object.path("metadata").path("finalizers")) {
        if (finalizer.equals(f.asText())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return type.plural() + " " + Json.namespace(object) + "/" + Json.name(object);
    }
  }

  /** What the collector does. */
  public sealed interface Action {
    Item item();
  }

  /** Delete the item with this propagationPolicy. */
  public record Delete(Item item, String propagationPolicy) implements Action {}

  /** Remove the references to these owner uids from the item. */
  public record RemoveReferences(Item item, Set<String> ownerUids) implements Action {}

  /** Remove a GC finalizer from an owner being deleted. */
  public record RemoveFinalizer(Item item, String finalizer) implements Action {}

  private GarbageCollection() {}

  /** Owner uids referenced by some item but absent from the snapshot: candidates to confirm. */
  public static Set<String> missingOwners(List<Item> items) {
    Set<String> present = new HashSet<>();
    items.forEach(i -> present.add(i.uid()));
    Set<String> missing = new HashSet<>();
    for (Item item : items) {
      for (JsonNode ref : item.object().path("metadata").path("ownerReferences")) {
        String uid = ref.path("uid").asText();
        if (!present.contains(uid)) {
          missing.add(uid);
        }
      }
    }
    return missing;
  }

  /** The actions for this snapshot; {@code absentOwners} are owner uids confirmed gone. */
  public static List<Action> plan(List<Item> items, Set<String> absentOwners) {
    Map<String, Item> byUid = new HashMap<>();
    Map<String, List<Item>> dependents = new HashMap<>();
    for (Item item : items) {
      byUid.put(item.uid(), item);
      for (JsonNode ref : item.object().path("metadata").path("ownerReferences")) {
        dependents.computeIfAbsent(ref.path("uid").asText(), k -> new ArrayList<>()).add(item);
      }
    }
    List<Action> actions = new ArrayList<>();
    for (Item owner : items) {
      if (!owner.deleting()) {
        continue;
      }
      List<Item> deps = dependents.getOrDefault(owner.uid(), List.of());
      if (owner.hasFinalizer(ORPHAN)) {
        if (deps.isEmpty()) {
          actions.add(new RemoveFinalizer(owner, ORPHAN));
        } else {
          deps.forEach(dep -> actions.add(new RemoveReferences(dep, Set.of(owner.uid()))));
        }
      } else if (owner.hasFinalizer(FOREGROUND)) {
        boolean blocked = deps.stream().anyMatch(dep -> blocks(dep.object(), owner.uid()));
        if (!blocked) {
          actions.add(new RemoveFinalizer(owner, FOREGROUND));
        }
      }
    }
    for (Item item : items) {
      JsonNode refs = item.object().path("metadata").path("ownerReferences");
      if (refs.size() == 0 || item.deleting()) {
        continue;
      }
      Set<String> solid = new HashSet<>();
      Set<String> dangling = new HashSet<>();
      Set<String> waiting = new HashSet<>();
      for (JsonNode ref : refs) {
        String uid = ref.path("uid").asText();
        Item owner = byUid.get(uid);
        if (owner == null) {
          if (absentOwners.contains(uid)) {
            dangling.add(uid);
          } else {
            solid.add(uid);
          }
        } else if (owner.deleting() && owner.hasFinalizer(FOREGROUND)) {
          waiting.add(uid);
        } else if (owner.deleting() && owner.hasFinalizer(ORPHAN)) {
          // The orphaning pass above removes this reference.
          solid.add(uid);
        } else {
          solid.add(uid);
        }
      }
      if (dangling.isEmpty() && waiting.isEmpty()) {
        continue;
      }
      if (!solid.isEmpty()) {
        Set<String> remove = new HashSet<>(dangling);
        remove.addAll(waiting);
        actions.add(new RemoveReferences(item, remove));
      } else if (!waiting.isEmpty() && dependents.containsKey(item.uid())) {
        actions.add(new Delete(item, "Foreground"));
      } else if (item.hasFinalizer(ORPHAN)) {
        actions.add(new Delete(item, "Orphan"));
      } else if (item.hasFinalizer(FOREGROUND)) {
        actions.add(new Delete(item, "Foreground"));
      } else {
        actions.add(new Delete(item, "Background"));
      }
    }
    return actions;
  }

  private static boolean blocks(JsonNode dependent, String ownerUid) {
    for (JsonNode ref : dependent.path("metadata").path("ownerReferences")) {
      if (ownerUid.equals(ref.path("uid").asText())
          && ref.path("blockOwnerDeletion").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }
}
