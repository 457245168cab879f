package io.akkube.node.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Node condition {@value #TYPE}: False while the node's proxy holds ClusterIPs it cannot make
 * local (an agent that is not root, with a service CIDR outside 127.0.0.0/8), True again once it
 * holds none. Written as a strategic merge patch of the Node's status (conditions merge by type, so
 * the agent's and the lifecycle controller's conditions stay as they are); a node that does not
 * exist yet is tried again a little later. A node never short of a route gets no condition.
 */
public final class RoutabilityCondition implements Consumer<List<String>> {

  public static final String TYPE = "ClusterIPsRoutable";

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RoutabilityCondition.class);

  private static final int ATTEMPTS = 30;
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final ObjectStore store;
  private final String nodeName;
  private final Clock clock;
  private boolean reported;
  private long generation;

  public RoutabilityCondition(ObjectStore store, String nodeName, Clock clock) {
    this.store = store;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /** {@code reasons}: why each unroutable ClusterIP is (empty when every one is served). */
  @Override
  public synchronized void accept(List<String> reasons) {
    if (reasons.isEmpty() && !reported) {
      return;
    }
    reported = true;
    generation++;
    write(patch(reasons, ObjectLifecycle.timestamp(clock.instant())), generation, ATTEMPTS);
  }

  private synchronized boolean current(long writeGeneration) {
    return writeGeneration == generation;
  }

  static byte[] patch(List<String> reasons, String now) {
    ObjectNode patch = Json.MAPPER.createObjectNode();
    ObjectNode condition = patch.putObject("status").putArray("conditions").addObject();
    condition.put("type", TYPE);
    condition.put("status", reasons.isEmpty() ? "True" : "False");
    condition.put("lastHeartbeatTime", now);
    condition.put("lastTransitionTime", now);
    condition.put("reason", reasons.isEmpty() ? "ClusterIPsServed" : "ClusterIPsNotRoutable");
    condition.put(
        "message",
        reasons.isEmpty()
            ? "every ClusterIP is local on this node"
            : reasons.size() == 1
                ? reasons.get(0)
                : reasons.get(0) + " (and " + (reasons.size() - 1) + " more)");
    return patch.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Retries until written; a newer report makes an older one stop retrying. */
  private void write(byte[] patch, long writeGeneration, int attemptsLeft) {
    store
        .patch(
            ResourceTypes.NODES,
            null,
            nodeName,
            PatchType.STRATEGIC_MERGE_PATCH,
            patch,
            "status",
            WriteOptions.DEFAULT)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null || !current(writeGeneration)) {
                return;
              }
              if (attemptsLeft <= 1) {
                log.warn(
                    "node {}: condition {} not written: {}", nodeName, TYPE, failure.toString());
                return;
              }
              CompletableFuture.delayedExecutor(RETRY.toMillis(), TimeUnit.MILLISECONDS)
                  .execute(() -> write(patch, writeGeneration, attemptsLeft - 1));
            });
  }
}
