package io.akkube.cluster.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.object.ObjectEntity;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What writes of one kind pass through before the entity persists them, as Kubernetes' REST storage
 * runs BeginCreate/BeginUpdate hooks (a Service's cluster IPs and node ports are allocated there,
 * docs/decisions/0006-service-allocation.md). The store first lets the entity decide the write in a
 * dry run; the hook then reserves what that object needs, fills it in and writes it through {@code
 * write} (under the dry run's resourceVersion), then commits or reverts.
 */
public interface WriteHook {

  /**
   * Writes {@code next}, the object the entity decided on, over {@code previous} (null on create).
   * {@code dryRun}: reserve nothing, only check.
   */
  CompletionStage<ObjectEntity.Reply> write(
      ObjectNode previous,
      ObjectNode next,
      boolean dryRun,
      Function<ObjectNode, CompletionStage<ObjectEntity.Reply>> write);

  /** The object is gone (deleted): release what it held. */
  void deleted(ObjectNode last);
}
