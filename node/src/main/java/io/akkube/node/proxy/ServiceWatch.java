package io.akkube.node.proxy;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The informer of Services and Endpoints that a node's proxy and the cluster DNS share: lists then
 * watches both kinds (re-listing whenever a watch ends) and hands every subscriber an immutable
 * {@link ServiceCatalog}, coalesced over {@code publishDelay}, once both kinds have been listed.
 */
public final class ServiceWatch extends AbstractBehavior<ServiceWatch.Command> {

  public sealed interface Command {}

  private record Listed(ResourceType type, ListResult result, Throwable failure)
      implements Command {}

  private record Event(ResourceType type, long generation, WatchEvent event) implements Command {}

  private record WatchEnded(ResourceType type, long generation) implements Command {}

  private record Relist(ResourceType type) implements Command {}

  private record Publish() implements Command {}

  private static final List<ResourceType> KINDS =
      List.of(ResourceTypes.SERVICES, ResourceTypes.ENDPOINTS);

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final List<Consumer<ServiceCatalog>> subscribers;
  private final Duration publishDelay;
  private final Map<ResourceType, Map<String, ObjectNode>> objects = new HashMap<>();
  private final Map<ResourceType, Long> generations = new HashMap<>();

  public static Behavior<Command> create(
      ObjectStore store, List<Consumer<ServiceCatalog>> subscribers, Duration publishDelay) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ServiceWatch(ctx, timers, store, subscribers, publishDelay)));
  }

  private ServiceWatch(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      List<Consumer<ServiceCatalog>> subscribers,
      Duration publishDelay) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.subscribers = List.copyOf(subscribers);
    this.publishDelay = publishDelay;
    KINDS.forEach(this::list);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessage(Event.class, this::onEvent)
        .onMessage(WatchEnded.class, this::onWatchEnded)
        .onMessage(Relist.class, m -> list(m.type()))
        .onMessage(Publish.class, m -> publish())
        .build();
  }

  private Behavior<Command> list(ResourceType type) {
    getContext()
        .pipeToSelf(
            store.list(type, ListOptions.all()),
            (result, failure) -> new Listed(type, result, failure));
    return this;
  }

  private Behavior<Command> onListed(Listed m) {
    if (m.failure() != null) {
      getContext().getLog().warn("listing {} failed, retrying: {}", m.type(), m.failure());
      timers.startSingleTimer(m.type(), new Relist(m.type()), Duration.ofSeconds(1));
      return this;
    }
    Map<String, ObjectNode> byKey = new HashMap<>();
    for (StoredObject o : m.result().items()) {
      byKey.put(key(o.object()), o.object());
    }
    objects.put(m.type(), byKey);
    changed();
    watch(m.type(), m.result().revision());
    return this;
  }

  private void watch(ResourceType type, long revision) {
    long generation = generations.merge(type, 1L, Long::sum);
    var self = getContext().getSelf();
    getContext()
        .pipeToSelf(
            store
                .watch(type, new WatchOptions(null, "", "", Long.toString(revision), false, 300))
                .thenCompose(
                    source ->
                        source.runWith(
                            Sink.foreach(e -> self.tell(new Event(type, generation, e))),
                            getContext().getSystem())),
            (done, failure) -> new WatchEnded(type, generation));
  }

  private Behavior<Command> onEvent(Event m) {
    if (m.generation() != generations.get(m.type())) {
      return this;
    }
    Map<String, ObjectNode> byKey = objects.get(m.type());
    WatchEvent e = m.event();
    switch (e.type()) {
      case "ADDED", "MODIFIED" -> byKey.put(key(e.object()), e.object());
      case "DELETED" -> byKey.remove(key(e.object()));
      default -> {
        return this;
      }
    }
    changed();
    return this;
  }

  private Behavior<Command> onWatchEnded(WatchEnded m) {
    if (m.generation() == generations.get(m.type())) {
      timers.startSingleTimer(m.type(), new Relist(m.type()), Duration.ofMillis(200));
    }
    return this;
  }

  private void changed() {
    if (objects.size() == KINDS.size() && !timers.isTimerActive("publish")) {
      timers.startSingleTimer("publish", new Publish(), publishDelay);
    }
  }

  private Behavior<Command> publish() {
    ServiceCatalog catalog =
        new ServiceCatalog(
            objects.get(ResourceTypes.SERVICES), objects.get(ResourceTypes.ENDPOINTS));
    for (Consumer<ServiceCatalog> subscriber : subscribers) {
      subscriber.accept(catalog);
    }
    return this;
  }

  private static String key(ObjectNode object) {
    return ServiceCatalog.key(Json.namespace(object), Json.name(object));
  }
}
