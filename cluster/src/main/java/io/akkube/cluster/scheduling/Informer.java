package io.akkube.cluster.scheduling;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * client-go's reflector as a child actor: lists one kind, hands the whole list to its parent, then
 * watches from the list's revision and forwards every change; a watch that ends is resumed from the
 * last revision seen, and one that is too old (410) or fails starts over with a new list.
 */
public final class Informer {

  /** What the parent receives. */
  public sealed interface Update {
    ResourceType type();
  }

  /** The complete current set of objects: replace everything known of this kind. */
  public record Synced(ResourceType type, List<ObjectNode> objects) implements Update {}

  /** One change: ADDED, MODIFIED or DELETED. */
  public record Changed(ResourceType type, String eventType, ObjectNode object) implements Update {}

  /** The informer's own messages (list and watch results). */
  public sealed interface Command {}

  private record Listed(ListResult result, Throwable failure) implements Command {}

  private record Event(long generation, WatchEvent event) implements Command {}

  private record WatchEnded(long generation, Throwable failure) implements Command {}

  private record Relist() implements Command {}

  private record Rewatch() implements Command {}

  private static final Duration RETRY = Duration.ofMillis(500);
  private static final long WATCH_SECONDS = 300;

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final ResourceType type;
  private final String fieldSelector;
  private final ActorRef<Update> parent;
  private long revision;
  private long generation;

  private Informer(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      ResourceType type,
      String fieldSelector,
      ActorRef<Update> parent) {
    this.ctx = ctx;
    this.timers = timers;
    this.store = store;
    this.type = type;
    this.fieldSelector = fieldSelector;
    this.parent = parent;
  }

  /**
   * An informer of every object of {@code type} (all namespaces) matching {@code fieldSelector}.
   */
  public static Behavior<Command> create(
      ObjectStore store, ResourceType type, String fieldSelector, ActorRef<Update> parent) {
    return Behaviors.<Command>setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Informer informer = new Informer(ctx, timers, store, type, fieldSelector, parent);
                  informer.list();
                  return informer.behavior();
                }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Event.class, this::onEvent)
        .onMessage(WatchEnded.class, this::onWatchEnded)
        .onMessage(Relist.class, m -> list())
        .onMessage(Rewatch.class, m -> watch())
        .build();
  }

  private Behavior<Command> list() {
    generation++;
    ctx.pipeToSelf(
        store.list(type, new ListOptions(null, "", fieldSelector, 0, "", "")), Listed::new);
    return Behaviors.same();
  }

  private Behavior<Command> onListed(Listed m) {
    if (m.failure() != null) {
      ctx.getLog().info("{} list failed, retrying: {}", type.plural(), m.failure().toString());
      timers.startSingleTimer(new Relist(), RETRY);
      return Behaviors.same();
    }
    revision = m.result().revision();
    parent.tell(new Synced(type, m.result().items().stream().map(StoredObject::object).toList()));
    return watch();
  }

  private Behavior<Command> watch() {
    long gen = ++generation;
    ActorRef<Command> self = ctx.getSelf();
    ctx.pipeToSelf(
        store
            .watch(
                type,
                new WatchOptions(
                    null, "", fieldSelector, Long.toString(revision), true, WATCH_SECONDS))
            .thenCompose(
                source ->
                    source.runWith(
                        Sink.foreach(e -> self.tell(new Event(gen, e))), ctx.getSystem())),
        (done, failure) -> new WatchEnded(gen, failure));
    return Behaviors.same();
  }

  private Behavior<Command> onEvent(Event m) {
    if (m.generation() != generation) {
      return Behaviors.same();
    }
    WatchEvent e = m.event();
    switch (e.type()) {
      case "ADDED", "MODIFIED", "DELETED" -> {
        advance(e.object());
        parent.tell(new Changed(type, e.type(), e.object()));
      }
      case "BOOKMARK" -> advance(e.object());
      case "ERROR" -> {
        // Too old or otherwise broken: start over (the stream's end is ignored as stale).
        timers.startSingleTimer(new Relist(), Duration.ofMillis(50));
        generation++;
      }
      default -> {}
    }
    return Behaviors.same();
  }

  private void advance(ObjectNode object) {
    try {
      revision = Math.max(revision, Long.parseLong(Json.metaText(object, "resourceVersion")));
    } catch (NumberFormatException ignored) {
      // no resourceVersion: keep the last one
    }
  }

  private Behavior<Command> onWatchEnded(WatchEnded m) {
    if (m.generation() != generation) {
      return Behaviors.same();
    }
    Throwable cause =
        m.failure() instanceof CompletionException c && c.getCause() != null
            ? c.getCause()
            : m.failure();
    if (cause == null) {
      timers.startSingleTimer(new Rewatch(), Duration.ofMillis(10));
    } else {
      if (!(cause instanceof ApiException api && api.status().code() == 410)) {
        ctx.getLog().info("{} watch failed, re-listing: {}", type.plural(), cause.toString());
      }
      timers.startSingleTimer(new Relist(), RETRY);
    }
    return Behaviors.same();
  }
}
