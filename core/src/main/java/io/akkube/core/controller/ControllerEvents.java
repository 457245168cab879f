package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events of a control-plane controller ({@code replicaset-controller}, {@code
 * deployment-controller}) about the object it controls, as client-go's recorder writes them. An
 * event that cannot be written is logged and dropped; it never fails a reconcile pass.
 */
public final class ControllerEvents {

  private static final Logger log = LoggerFactory.getLogger(ControllerEvents.class);

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final ObjectStore store;
  private final String component;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  public ControllerEvents(ObjectStore store, String component, Clock clock) {
    this.store = store;
    this.component = component;
    this.clock = clock;
  }

  public void record(JsonNode involved, String type, String reason, String message) {
    Instant now = clock.instant();
    String ns = Json.namespace(involved);
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    ObjectNode meta = event.putObject("metadata");
    long unique =
        now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence.incrementAndGet();
    meta.put("name", Json.name(involved) + "." + Long.toHexString(unique));
    meta.put("namespace", ns);
    ObjectNode ref = event.putObject("involvedObject");
    ref.put("kind", involved.path("kind").asText());
    ref.put("namespace", ns);
    ref.put("name", Json.name(involved));
    ref.put("uid", Json.metaText(involved, "uid"));
    ref.put("apiVersion", involved.path("apiVersion").asText());
    String rv = Json.metaText(involved, "resourceVersion");
    if (!rv.isEmpty()) {
      ref.put("resourceVersion", rv);
    }
    event.put("reason", reason);
    event.put("message", message);
    event.putObject("source").put("component", component);
    String ts = ObjectLifecycle.timestamp(now);
    event.put("firstTimestamp", ts);
    event.put("lastTimestamp", ts);
    event.put("count", 1);
    event.put("type", type);
    event.putNull("eventTime");
    event.put("reportingComponent", component);
    event.put("reportingInstance", "");
    store
        .create(ResourceTypes.EVENTS, ns, event, WriteOptions.DEFAULT)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.debug(
                    "event {} for {}/{} not recorded: {}",
                    reason,
                    ns,
                    Json.name(involved),
                    failure.toString());
              }
            });
  }
}
