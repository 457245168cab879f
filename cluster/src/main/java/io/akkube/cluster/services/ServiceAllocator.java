package io.akkube.cluster.services;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.akkube.core.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * The cluster's service cluster IPs and node ports, a cluster singleton and event-sourced (docs/
 * decisions/0006-service-allocation.md): the one place that hands them out, so two members never
 * give the same address, and a crash loses nothing. A reservation is first pending (owned by the
 * service's namespace/name); once the service is written it is bound to the service's uid; a failed
 * write reverts it; a deleted service releases what its uid holds. {@link Repair} compares the
 * table with the services that exist: it frees what no service holds (after a grace period, which
 * covers writes in flight) and adopts what services hold that the table lacks.
 */
public final class ServiceAllocator
    extends EventSourcedBehavior<
        ServiceAllocator.Command, ServiceAllocator.Event, ServiceAllocator.State> {

  public static final String NAME = "service-allocator";

  /** Reservations younger than this are never freed by a repair (their write may be in flight). */
  public static final Duration REPAIR_GRACE = Duration.ofSeconds(30);

  // ---- protocol -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /**
   * Reserves, all or nothing, a cluster IP ({@code ip} "" for any, null for none) and node ports (0
   * for any) for the service {@code owner} ("namespace/name"). A dry run only checks and picks.
   */
  public record Reserve(
      String owner, String ip, List<Integer> ports, boolean dryRun, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * The service was written with uid {@code uid}: what was reserved is bound to it, and what the
   * previous version held and the new one does not is released.
   */
  public record Commit(
      String owner,
      String uid,
      List<String> ips,
      List<Integer> ports,
      List<String> releaseIps,
      List<Integer> releasePorts,
      ActorRef<Done> replyTo)
      implements Command {}

  /** The write failed: pending reservations of {@code owner} among these are freed. */
  public record Revert(String owner, List<String> ips, List<Integer> ports, ActorRef<Done> replyTo)
      implements Command {}

  /** The service (this incarnation) is gone: everything bound to its uid is freed. */
  public record ReleaseAll(String owner, String uid, ActorRef<Done> replyTo) implements Command {}

  /** What one existing service holds, for {@link Repair}. */
  public record Held(String uid, List<String> ips, List<Integer> ports)
      implements CborSerializable {}

  /**
   * The services that existed at {@code listedAtMillis} (by owner): free what none holds, adopt
   * what they hold and the table lacks.
   */
  public record Repair(Map<String, Held> services, long listedAtMillis, ActorRef<Usage> replyTo)
      implements Command {}

  public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

  /** How many addresses and ports are allocated (pending included). */
  public record Usage(int ips, int ports) implements CborSerializable {}

  public sealed interface Reply extends CborSerializable {}

  public record Reserved(String ip, List<Integer> ports) implements Reply {}

  /**
   * Refused: {@code index} -1 is the cluster IP, otherwise the node port at that place of the
   * request; {@code full} when no free one was left (Kubernetes answers 500 then, 422 otherwise).
   */
  public record Refused(int index, String reason, boolean full) implements Reply {}

  // ---- events and state -----------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  /** Pending reservations (uid ""). */
  public record ReservedEvent(String owner, List<String> ips, List<Integer> ports, long at)
      implements Event {}

  /** Bound to a service incarnation (also: adopted by a repair). */
  public record Bound(String owner, String uid, List<String> ips, List<Integer> ports, long at)
      implements Event {}

  public record Released(List<String> ips, List<Integer> ports) implements Event {}

  /** Who holds an address or port: uid "" while the write is pending. */
  public record Holder(String owner, String uid, long since) implements CborSerializable {}

  /** Never mutated: every event makes a new state (snapshots serialise it concurrently). */
  public record State(Map<String, Holder> ips, Map<Integer, Holder> ports)
      implements CborSerializable {
    static final State EMPTY = new State(Map.of(), Map.of());
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private final ServiceIpRange ipRange;
  private final NodePortRange portRange;
  private final Clock clock;
  private final Random random = new Random(new SplittableRandom().nextLong());

  public static Behavior<Command> create(
      ServiceIpRange ipRange, NodePortRange portRange, Clock clock) {
    return create(NAME, ipRange, portRange, clock);
  }

  /** With its own persistence id (tests run several in one journal). */
  static Behavior<Command> create(
      String persistenceId, ServiceIpRange ipRange, NodePortRange portRange, Clock clock) {
    return Behaviors.setup(ctx -> new ServiceAllocator(persistenceId, ipRange, portRange, clock));
  }

  private ServiceAllocator(
      String persistenceId, ServiceIpRange ipRange, NodePortRange portRange, Clock clock) {
    super(PersistenceId.ofUniqueId(persistenceId));
    this.ipRange = ipRange;
    this.portRange = portRange;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(1000, 2);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(Commit.class, this::onCommit)
        .onCommand(Revert.class, this::onRevert)
        .onCommand(ReleaseAll.class, this::onReleaseAll)
        .onCommand(Repair.class, this::onRepair)
        .onCommand(
            GetUsage.class,
            (state, c) ->
                Effect().reply(c.replyTo(), new Usage(state.ips().size(), state.ports().size())))
        .build();
  }

  private Effect<Event, State> onReserve(State state, Reserve c) {
    List<String> ips = new ArrayList<>();
    if (c.ip() != null) {
      if (c.ip().isEmpty()) {
        int offset =
            pick(
                ipRange.usable(),
                ipRange.staticBand(),
                o -> !state.ips().containsKey(ipRange.address(o)));
        if (offset < 0) {
          return Effect().reply(c.replyTo(), new Refused(-1, "range is full", true));
        }
        ips.add(ipRange.address(offset));
      } else if (ipRange.offsetOf(c.ip()) < 0) {
        return Effect().reply(c.replyTo(), new Refused(-1, ipRange.notInRange(c.ip()), false));
      } else if (state.ips().containsKey(c.ip())) {
        return Effect()
            .reply(c.replyTo(), new Refused(-1, "provided IP is already allocated", false));
      } else {
        ips.add(c.ip());
      }
    }
    Set<Integer> taken = new HashSet<>(state.ports().keySet());
    List<Integer> ports = new ArrayList<>();
    // Explicit ports first, so an automatic one never takes a port asked for in the same request.
    for (int i = 0; i < c.ports().size(); i++) {
      int port = c.ports().get(i);
      if (port == 0) {
        continue;
      }
      if (!portRange.contains(port)) {
        return Effect().reply(c.replyTo(), new Refused(i, portRange.notInRange(), false));
      }
      if (!taken.add(port)) {
        return Effect()
            .reply(c.replyTo(), new Refused(i, "provided port is already allocated", false));
      }
    }
    for (int i = 0; i < c.ports().size(); i++) {
      int port = c.ports().get(i);
      if (port == 0) {
        int offset =
            pick(portRange.size(), portRange.staticBand(), o -> !taken.contains(portRange.port(o)));
        if (offset < 0) {
          return Effect().reply(c.replyTo(), new Refused(i, "range is full", true));
        }
        port = portRange.port(offset);
        taken.add(port);
      }
      ports.add(port);
    }
    Reserved reply = new Reserved(ips.isEmpty() ? null : ips.get(0), List.copyOf(ports));
    if (c.dryRun() || (ips.isEmpty() && ports.isEmpty())) {
      return Effect().reply(c.replyTo(), reply);
    }
    return Effect()
        .persist(new ReservedEvent(c.owner(), ips, ports, clock.millis()))
        .thenReply(c.replyTo(), s -> reply);
  }

  /**
   * The bitmap allocator's random scan: a random start above the static band, scanning up and
   * wrapping, then the static band. -1 when everything is taken.
   */
  private int pick(int size, int band, IntPredicate free) {
    int dynamic = size - band;
    if (dynamic > 0) {
      int start = random.nextInt(dynamic);
      for (int i = 0; i < dynamic; i++) {
        int offset = band + (start + i) % dynamic;
        if (free.test(offset)) {
          return offset;
        }
      }
    }
    for (int offset = 0; offset < band; offset++) {
      if (free.test(offset)) {
        return offset;
      }
    }
    return -1;
  }

  private Effect<Event, State> onCommit(State state, Commit c) {
    List<Event> events = new ArrayList<>();
    List<String> bindIps =
        c.ips().stream().filter(ip -> ownedBy(state.ips().get(ip), c.owner())).toList();
    List<Integer> bindPorts =
        c.ports().stream().filter(p -> ownedBy(state.ports().get(p), c.owner())).toList();
    if (!bindIps.isEmpty() || !bindPorts.isEmpty()) {
      events.add(new Bound(c.owner(), c.uid(), bindIps, bindPorts, clock.millis()));
    }
    List<String> freeIps =
        c.releaseIps().stream()
            .filter(ip -> !c.ips().contains(ip) && ownedBy(state.ips().get(ip), c.owner()))
            .toList();
    List<Integer> freePorts =
        c.releasePorts().stream()
            .filter(p -> !c.ports().contains(p) && ownedBy(state.ports().get(p), c.owner()))
            .toList();
    if (!freeIps.isEmpty() || !freePorts.isEmpty()) {
      events.add(new Released(freeIps, freePorts));
    }
    return Effect().persist(events).thenReply(c.replyTo(), s -> Done.getInstance());
  }

  private Effect<Event, State> onRevert(State state, Revert c) {
    List<String> ips =
        c.ips().stream().filter(ip -> pendingOf(state.ips().get(ip), c.owner())).toList();
    List<Integer> ports =
        c.ports().stream().filter(p -> pendingOf(state.ports().get(p), c.owner())).toList();
    if (ips.isEmpty() && ports.isEmpty()) {
      return Effect().reply(c.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new Released(ips, ports))
        .thenReply(c.replyTo(), s -> Done.getInstance());
  }

  private Effect<Event, State> onReleaseAll(State state, ReleaseAll c) {
    Holder match = new Holder(c.owner(), c.uid(), 0);
    List<String> ips = new ArrayList<>();
    state
        .ips()
        .forEach(
            (ip, h) -> {
              if (sameIncarnation(h, match)) {
                ips.add(ip);
              }
            });
    List<Integer> ports = new ArrayList<>();
    state
        .ports()
        .forEach(
            (p, h) -> {
              if (sameIncarnation(h, match)) {
                ports.add(p);
              }
            });
    if (ips.isEmpty() && ports.isEmpty()) {
      return Effect().reply(c.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new Released(ips, ports))
        .thenReply(c.replyTo(), s -> Done.getInstance());
  }

  private Effect<Event, State> onRepair(State state, Repair c) {
    long cutoff = c.listedAtMillis() - REPAIR_GRACE.toMillis();
    List<Event> events = new ArrayList<>();
    List<String> freeIps = new ArrayList<>();
    List<Integer> freePorts = new ArrayList<>();
    state
        .ips()
        .forEach(
            (ip, h) -> {
              Held held = c.services().get(h.owner());
              if ((held == null || !held.ips().contains(ip)) && h.since() < cutoff) {
                freeIps.add(ip);
              }
            });
    state
        .ports()
        .forEach(
            (p, h) -> {
              Held held = c.services().get(h.owner());
              if ((held == null || !held.ports().contains(p)) && h.since() < cutoff) {
                freePorts.add(p);
              }
            });
    if (!freeIps.isEmpty() || !freePorts.isEmpty()) {
      events.add(new Released(freeIps, freePorts));
    }
    c.services()
        .forEach(
            (owner, held) -> {
              List<String> ips =
                  held.ips().stream()
                      .filter(ip -> adoptable(state.ips().get(ip), owner, held.uid()))
                      .toList();
              List<Integer> ports =
                  held.ports().stream()
                      .filter(p -> adoptable(state.ports().get(p), owner, held.uid()))
                      .toList();
              if (!ips.isEmpty() || !ports.isEmpty()) {
                events.add(new Bound(owner, held.uid(), ips, ports, c.listedAtMillis()));
              }
            });
    if (events.isEmpty()) {
      return Effect().reply(c.replyTo(), new Usage(state.ips().size(), state.ports().size()));
    }
    return Effect()
        .persist(events)
        .thenReply(c.replyTo(), s -> new Usage(s.ips().size(), s.ports().size()));
  }

  /** Free, or held by this service without (or with another) uid: a repair binds it. */
  private static boolean adoptable(Holder h, String owner, String uid) {
    return h == null || (h.owner().equals(owner) && !h.uid().equals(uid));
  }

  private static boolean ownedBy(Holder h, String owner) {
    return h != null && h.owner().equals(owner);
  }

  private static boolean pendingOf(Holder h, String owner) {
    return h != null && h.owner().equals(owner) && h.uid().isEmpty();
  }

  private static boolean sameIncarnation(Holder h, Holder match) {
    return h.owner().equals(match.owner()) && h.uid().equals(match.uid());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ReservedEvent.class,
            (state, e) -> apply(state, e.ips(), e.ports(), new Holder(e.owner(), "", e.at())))
        .onEvent(
            Bound.class,
            (state, e) -> apply(state, e.ips(), e.ports(), new Holder(e.owner(), e.uid(), e.at())))
        .onEvent(Released.class, ServiceAllocator::release)
        .build();
  }

  private static State apply(State state, List<String> ips, List<Integer> ports, Holder holder) {
    Map<String, Holder> newIps = new HashMap<>(state.ips());
    ips.forEach(ip -> newIps.put(ip, holder));
    Map<Integer, Holder> newPorts = new HashMap<>(state.ports());
    ports.forEach(p -> newPorts.put(p, holder));
    return new State(newIps, newPorts);
  }

  private static State release(State state, Released e) {
    Map<String, Holder> ips = new HashMap<>(state.ips());
    e.ips().forEach(ips::remove);
    Map<Integer, Holder> ports = new HashMap<>(state.ports());
    e.ports().forEach(ports::remove);
    return new State(ips, ports);
  }
}
