package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events as the kubelet records them: source kubelet on this host, the pod (and container
 * field path) as involved object, and the client-go aggregation — the same object, reason and
 * message again bumps count and lastTimestamp of the existing Event instead of creating one.
 */
public final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final ObjectStore store;
  private final String component;
  private final String host;
  private final Clock clock;
  private final Map<String, CompletionStage<ObjectNode>> series = new ConcurrentHashMap<>();
  private final AtomicLong lastNanos = new AtomicLong();

  public EventRecorder(ObjectStore store, String host, Clock clock) {
    this(store, "kubelet", host, clock);
  }

  /**
   * Events of another component ({@code default-scheduler}, {@code taint-eviction-controller}):
   * {@code host} empty leaves source.host out, as kube's control-plane components do.
   */
  public EventRecorder(ObjectStore store, String component, String host, Clock clock) {
    this.store = store;
    this.component = component;
    this.host = host;
    this.clock = clock;
  }

  /** {@code spec.containers{name}} for a container, or "" for the pod itself. */
  public static String containerFieldPath(String containerName, boolean init) {
    return containerName.isEmpty()
        ? ""
        : (init ? "spec.initContainers{" : "spec.containers{") + containerName + "}";
  }

  public void pod(JsonNode pod, String type, String reason, String message) {
    record(pod, "", type, reason, message);
  }

  /** Records (or aggregates) one Event; never fails the caller. */
  public void record(JsonNode pod, String fieldPath, String type, String reason, String message) {
    String uid = Json.metaText(pod, "uid");
    String key = uid + "\u0000" + fieldPath + "\u0000" + reason + "\u0000" + message;
    Instant now = clock.instant();
    series.compute(
        key,
        (k, previous) -> {
          CompletionStage<ObjectNode> before =
              previous == null ? CompletableFuture.completedFuture(null) : previous;
          return before
              .exceptionally(failure -> null)
              .thenCompose(
                  existing ->
                      existing == null
                          ? create(pod, fieldPath, type, reason, message, now)
                          : bump(existing, now));
        });
  }

  /**
   * client-go names an Event {@code <object>.<%x of UnixNano>}; this clock may tick coarser than a
   * nanosecond, so two events of one pod in the same tick would collide: never hand out the same
   * (or an earlier) value twice.
   */
  private long uniqueNanos(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return lastNanos.accumulateAndGet(nanos, (last, next) -> Math.max(last + 1, next));
  }

  /** Forgets the aggregation state of a pod that is gone. */
  public void forget(String podUid) {
    series.keySet().removeIf(k -> k.startsWith(podUid + "\u0000"));
  }

  private CompletionStage<ObjectNode> create(
      JsonNode pod, String fieldPath, String type, String reason, String message, Instant now) {
    String ns = Json.namespace(pod);
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    ObjectNode meta = event.putObject("metadata");
    meta.put("name", Json.name(pod) + "." + Long.toHexString(uniqueNanos(now)));
    meta.put("namespace", ns);
    ObjectNode involved = event.putObject("involvedObject");
    involved.put("kind", "Pod");
    involved.put("namespace", ns);
    involved.put("name", Json.name(pod));
    involved.put("uid", Json.metaText(pod, "uid"));
    involved.put("apiVersion", "v1");
    if (!fieldPath.isEmpty()) {
      involved.put("fieldPath", fieldPath);
    }
    event.put("reason", reason);
    event.put("message", message);
    ObjectNode source = event.putObject("source").put("component", component);
    if (!host.isEmpty()) {
      source.put("host", host);
    }
    String ts = ObjectLifecycle.timestamp(now);
    event.put("firstTimestamp", ts);
    event.put("lastTimestamp", ts);
    event.put("count", 1);
    event.put("type", type);
    event.putNull("eventTime");
    event.put("reportingComponent", component);
    event.put("reportingInstance", host.isEmpty() ? component : host);
    return store
        .create(ResourceTypes.EVENTS, ns, event, WriteOptions.DEFAULT)
        .thenApply(stored -> stored.object())
        .exceptionally(
            failure -> {
              log.debug(
                  "event {} for {}/{} not recorded: {}",
                  reason,
                  ns,
                  Json.name(pod),
                  failure.toString());
              return null;
            });
  }

  private CompletionStage<ObjectNode> bump(ObjectNode existing, Instant now) {
    ObjectNode event = existing.deepCopy();
    Json.meta(event).remove("resourceVersion");
    event.put("count", existing.path("count").asInt(1) + 1);
    event.put("lastTimestamp", ObjectLifecycle.timestamp(now));
    String ns = Json.namespace(event);
    return store
        .update(ResourceTypes.EVENTS, ns, Json.name(event), event, null, WriteOptions.DEFAULT)
        .thenApply(stored -> stored.object())
        .exceptionally(
            failure -> {
              log.debug("event {} not updated: {}", Json.name(event), failure.toString());
              return existing;
            });
  }
}
