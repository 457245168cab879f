package io.akkube.core.store;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ResourceType;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The object API as the HTTP layer and the node agents see it, whatever runs behind it (sharded
 * entities, revision logs, watch caches). Every failure completes the stage with an {@link
 * io.akkube.core.api.ApiException} carrying the Kubernetes Status.
 */
public interface ObjectStore {

  CompletionStage<StoredObject> create(
      ResourceType type, String namespace, ObjectNode object, WriteOptions options);

  /** The current object, read from its owning entity (a consistent read). */
  CompletionStage<StoredObject> get(ResourceType type, String namespace, String name);

  /**
   * Replaces the object (or its status when {@code subresource} is "status"). A
   * metadata.resourceVersion in the body is a precondition.
   */
  CompletionStage<StoredObject> update(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode object,
      String subresource,
      WriteOptions options);

  CompletionStage<StoredObject> patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      byte[] patch,
      String subresource,
      WriteOptions options);

  CompletionStage<DeleteResult> delete(
      ResourceType type, String namespace, String name, DeleteOptions options);

  /**
   * pods/binding: assigns an unscheduled pod to a node (the pod entity persists {@code Bound}). A
   * pod already assigned is a 409 Conflict.
   */
  CompletionStage<StoredObject> bind(String namespace, String podName, String nodeName);

  CompletionStage<ListResult> list(ResourceType type, ListOptions options);

  /**
   * Changes after {@code options.resourceVersion()} (or, without one, synthetic ADDED events for
   * the current objects first). A too-old version completes the stage with a 410.
   */
  CompletionStage<Source<WatchEvent, NotUsed>> watch(ResourceType type, WatchOptions options);

  /** Every recorded change of one object, across incarnations (our history extension). */
  CompletionStage<List<HistoryEntry>> history(ResourceType type, String namespace, String name);
}
