package io.akkube.core.object;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What makes an owner entity a controller (DESIGN.md §3): a reconcile pass that brings the world in
 * line with the owner's spec (a ReplicaSet creates or deletes its pods) and writes the owner's
 * status. The entity runs at most one pass at a time, after every change of the owner, when a child
 * reports a change, and on a resync timer, so a lost notification only delays convergence.
 */
public interface Controller {

  /**
   * One pass for the owner as currently published (resourceVersion set). Completes when the pass is
   * done, with when to look again if nothing changes before (a pod becoming available after
   * minReadySeconds, a progress deadline); a failed pass is retried.
   */
  CompletionStage<Optional<Duration>> reconcile(ObjectNode owner);
}
