package io.akkube.cluster.events;

import akka.actor.typed.Behavior;
import io.akkube.cluster.PeriodicSweep;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Expires Events like the apiserver's event TTL (1 h by default): an event whose last occurrence is
 * older than the TTL is deleted (singleton). The journal keeps them as history.
 */
public final class EventTtl {

  private EventTtl() {}

  public static Behavior<Object> create(ObjectStore store, Duration ttl, Clock clock) {
    Duration interval =
        ttl.dividedBy(10).compareTo(Duration.ofMinutes(1)) > 0
            ? Duration.ofMinutes(1)
            : ttl.dividedBy(10);
    return PeriodicSweep.create("event expiry", interval, () -> expire(store, ttl, clock));
  }

  static CompletionStage<Void> expire(ObjectStore store, Duration ttl, Clock clock) {
    Instant cutoff = clock.instant().minus(ttl);
    return store
        .list(ResourceTypes.EVENTS, ListOptions.all())
        .thenCompose(
            events -> {
              List<CompletableFuture<?>> deletions = new ArrayList<>();
              for (StoredObject e : events.items()) {
                Instant last = lastOccurrence(e);
                if (last != null && last.isBefore(cutoff)) {
                  deletions.add(
                      store
                          .delete(
                              ResourceTypes.EVENTS,
                              Json.namespace(e.object()),
                              Json.name(e.object()),
                              DeleteOptions.DEFAULT)
                          .exceptionally(f -> null)
                          .toCompletableFuture());
                }
              }
              return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new));
            });
  }

  /** lastTimestamp, else eventTime, else creationTimestamp. */
  private static Instant lastOccurrence(StoredObject event) {
    for (String field : List.of("lastTimestamp", "eventTime")) {
      Instant t = parse(event.object().path(field).asText(""));
      if (t != null) {
        return t;
      }
    }
    return parse(Json.metaText(event.object(), "creationTimestamp"));
  }

  private static Instant parse(String timestamp) {
    if (timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
