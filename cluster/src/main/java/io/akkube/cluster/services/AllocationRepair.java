package io.akkube.cluster.services;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the {@link ServiceAllocator}'s table true to the services (kube-apiserver's repair loops
 * for cluster IPs and node ports), a cluster singleton: a service whose deletion is announced
 * releases what its uid holds (this covers deletions that finish later than the delete request,
 * after finalizers); after the first list and then periodically the table is compared with every
 * service, which frees reservations of writes that never happened (a crash between reserving and
 * writing) and adopts what services hold that the table lacks.
 */
public final class AllocationRepair extends AbstractBehavior<AllocationRepair.Command> {

  public static final String NAME = "service-allocation-repair";

  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private record Tick() implements Command {}

  private record Repaired(ServiceAllocator.Usage usage) implements Command {}

  private final ActorRef<ServiceAllocator.Command> allocator;
  private final Clock clock;
  private final Map<String, ObjectNode> services = new HashMap<>();
  private final ActorRef<ServiceAllocator.Usage> repaired;
  private final ActorRef<akka.Done> ignore;
  private boolean synced;

  public static Behavior<Command> create(
      ObjectStore store,
      ActorRef<ServiceAllocator.Command> allocator,
      Duration interval,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new AllocationRepair(ctx, timers, store, allocator, interval, clock)));
  }

  private AllocationRepair(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      ActorRef<ServiceAllocator.Command> allocator,
      Duration interval,
      Clock clock) {
    super(ctx);
    this.allocator = allocator;
    this.clock = clock;
    this.repaired = ctx.messageAdapter(ServiceAllocator.Usage.class, Repaired::new);
    this.ignore = ctx.getSystem().ignoreRef();
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    ctx.spawn(Informer.create(store, ResourceTypes.SERVICES, "", informed), "informer-services");
    timers.startTimerWithFixedDelay(new Tick(), interval);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Informed.class, this::onInformed)
        .onMessage(Tick.class, t -> repair())
        .onMessage(
            Repaired.class,
            r -> {
              getContext()
                  .getLog()
                  .debug(
                      "service allocations: {} IPs, {} node ports",
                      r.usage().ips(),
                      r.usage().ports());
              return this;
            })
        .build();
  }

  private Behavior<Command> onInformed(Informed m) {
    if (m.update() instanceof Informer.Synced synced) {
      services.clear();
      synced.objects().forEach(s -> services.put(key(s), s));
      this.synced = true;
      return repair();
    }
    Informer.Changed changed = (Informer.Changed) m.update();
    ObjectNode service = changed.object();
    if (changed.eventType().equals("DELETED")) {
      services.remove(key(service));
      allocator.tell(
          new ServiceAllocator.ReleaseAll(key(service), Json.metaText(service, "uid"), ignore));
    } else {
      services.put(key(service), service);
    }
    return this;
  }

  private Behavior<Command> repair() {
    if (!synced) {
      return this;
    }
    Map<String, ServiceAllocator.Held> held = new HashMap<>();
    services.forEach(
        (key, service) -> {
          AllocationPlan.Holdings h = AllocationPlan.holdings(service);
          held.put(
              key, new ServiceAllocator.Held(Json.metaText(service, "uid"), h.ips(), h.ports()));
        });
    allocator.tell(new ServiceAllocator.Repair(held, clock.millis(), repaired));
    return this;
  }

  private static String key(ObjectNode service) {
    return Json.namespace(service) + "/" + Json.name(service);
  }
}
