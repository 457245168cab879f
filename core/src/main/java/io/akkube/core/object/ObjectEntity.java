package io.akkube.core.object;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.CborSerializable;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.ObjectLifecycle.Decision;
import io.akkube.core.object.RevisionProtocol.Announce;
import io.akkube.core.object.RevisionProtocol.Announced;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.StoredObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One Kubernetes object (all its incarnations) as an event-sourced, sharded entity: the single
 * writer of that object. Decisions come from {@link ObjectLifecycle}; after an event is durable the
 * entity announces it to its kind's revision log and answers the client only with the revision the
 * log assigned (DESIGN.md §4). While an announcement is outstanding, further commands wait.
 */
public final class ObjectEntity
    extends EventSourcedBehavior<ObjectEntity.Command, ObjectEvent, ObjectEntity.State> {

  /** What an object entity accepts. */
  public sealed interface Command extends CborSerializable {}

  public record Create(ObjectNode object, boolean dryRun, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record Update(
      ObjectNode object, String subresource, boolean dryRun, ActorRef<Reply> replyTo)
      implements Command {}

  public record Patch(
      PatchType patchType,
      byte[] patch,
      String subresource,
      boolean dryRun,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record Delete(DeleteOptions options, ActorRef<Reply> replyTo) implements Command {}

  /** pods/binding. */
  public record Bind(String nodeName, ActorRef<Reply> replyTo) implements Command {}

  /** A child (by controller ownerReference) changed: the controller reconciles soon. */
  public record ChildChanged(String child) implements Command {}

  private record WrappedAnnounced(Announced announced) implements Command {}

  private enum ReconcileTick implements Command {
    START,
    RESYNC
  }

  private record ReconcileDone(Optional<Duration> requeueAfter, Throwable failure)
      implements Command {}

  private record AnnounceTimeout(long sequenceNr) implements Command {}

  /**
   * The answer: the object (resourceVersion set) or a Status error. {@code finished} tells a delete
   * that the object is gone rather than terminating.
   */
  public record Reply(StoredObject object, ApiStatus error, boolean finished)
      implements CborSerializable {
    static Reply ok(StoredObject object) {
      return new Reply(object, null, false);
    }

    static Reply error(ApiStatus status) {
      return new Reply(null, status, false);
    }
  }

  /**
   * The current incarnation, or null when the object does not exist; {@code deleted} is the last
   * incarnation's final state after a delete, so a deletion whose announcement a crash interrupted
   * is announced again on recovery.
   */
  public record State(ObjectNode object, ObjectNode deleted) implements CborSerializable {
    static final State ABSENT = new State(null, null);
  }

  /**
   * An announcement sent while the revision log moves to another member may go to the member that
   * died: asked again this often (the log answers a repeated one with the same revision).
   */
  private static final Duration ANNOUNCE_RETRY = Duration.ofSeconds(1);

  private static final Duration RECONCILE_COALESCE = Duration.ofMillis(20);
  private static final Duration RECONCILE_RETRY = Duration.ofSeconds(1);

  private final ResourceType type;
  private final String entityId;
  private final ObjectLifecycle lifecycle;
  private final EntityWiring wiring;
  private final ActorRef<RevisionProtocol.Command> revisionLog;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<Announced> announcedAdapter;
  private final Clock clock;

  // Not persisted: what the revision log said of the current incarnation, and the change whose
  // revision is awaited (commands are stashed meanwhile).
  private StoredObject published;
  private Pending pending;
  private boolean reconciling;
  private boolean reconcileAgain;

  private record Pending(Announce announce, ActorRef<Reply> replyTo, boolean finished) {}

  public static Behavior<Command> create(ResourceType type, String entityId, EntityWiring wiring) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new ObjectEntity(type, entityId, wiring, ctx, timers)));
  }

  private ObjectEntity(
      ResourceType type,
      String entityId,
      EntityWiring wiring,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(type.entityTypeName(), entityId));
    this.type = type;
    this.entityId = entityId;
    this.wiring = wiring;
    this.lifecycle = new ObjectLifecycle(type, wiring.strategy());
    this.revisionLog = wiring.revisionLog();
    this.clock = wiring.clock();
    this.context = context;
    this.timers = timers;
    this.announcedAdapter = context.messageAdapter(Announced.class, WrappedAnnounced::new);
    if (wiring.controller().isPresent()) {
      timers.startTimerWithFixedDelay("resync", ReconcileTick.RESYNC, wiring.resyncInterval());
    }
  }

  /** The persistence id's entity-type part and tag of a kind's events. */
  public static String tagOf(ResourceType type) {
    return type.entityTypeName();
  }

  @Override
  public State emptyState() {
    return State.ABSENT;
  }

  @Override
  public Set<String> tagsFor(ObjectEvent event) {
    return Set.of(tagOf(type));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              // The revision log knows the last change already (or learns it now): idempotent.
              if (state.object() != null) {
                announce("MODIFIED", state.object(), null, false);
              } else if (state.deleted() != null) {
                announce("DELETED", state.deleted(), null, true);
              }
            })
        .build();
  }

  @Override
  public CommandHandler<Command, ObjectEvent, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(WrappedAnnounced.class, this::onAnnounced)
        .onCommand(AnnounceTimeout.class, this::onAnnounceTimeout)
        .onCommand(ChildChanged.class, (state, c) -> requestReconcile())
        .onCommand(ReconcileTick.class, this::onReconcileTick)
        .onCommand(ReconcileDone.class, this::onReconcileDone)
        .onAnyCommand(this::onRequest);
  }

  private Effect<ObjectEvent, State> onRequest(State state, Command command) {
    if (pending != null) {
      return Effect().stash();
    }
    if (published != null && fromNewerEpoch(preconditionOf(command), published.revision())) {
      // The revision log restarted in a new epoch and readers hold the new revisions: learn ours
      // (the log answers the same change idempotently) before judging the precondition.
      announce("MODIFIED", state.object(), null, false);
      return Effect().stash();
    }
    ObjectNode current = published == null ? null : published.object();
    String name = nameOf();
    Instant now = clock.instant();
    if (command instanceof Get get) {
      return Effect()
          .reply(
              get.replyTo(),
              current == null ? Reply.error(ApiStatus.notFound(type, name)) : Reply.ok(published));
    } else if (command instanceof Create c) {
      return decide(lifecycle.create(current, c.object(), now), c.dryRun(), c.replyTo());
    } else if (command instanceof Update u) {
      return decide(
          lifecycle.update(current, u.object(), u.subresource(), now), u.dryRun(), u.replyTo());
    } else if (command instanceof Patch p) {
      return decide(
          lifecycle.patch(current, p.patchType(), p.patch(), p.subresource(), name, now),
          p.dryRun(),
          p.replyTo());
    } else if (command instanceof Delete d) {
      return decide(
          lifecycle.delete(current, d.options(), name, now), d.options().dryRun(), d.replyTo());
    } else if (command instanceof Bind b) {
      return decide(lifecycle.bind(current, name, b.nodeName(), now), false, b.replyTo());
    }
    return Effect().unhandled();
  }

  private Effect<ObjectEvent, State> decide(
      Decision decision, boolean dryRun, ActorRef<Reply> replyTo) {
    if (decision instanceof ObjectLifecycle.Reject r) {
      return Effect().reply(replyTo, Reply.error(r.status()));
    }
    if (!(decision instanceof ObjectLifecycle.Persist p)) {
      return Effect().reply(replyTo, Reply.ok(published));
    }
    boolean finished = p.event() instanceof ObjectEvent.Deleted;
    if (dryRun) {
      ObjectNode preview = p.event().object().deepCopy();
      if (published != null) {
        Json.meta(preview)
            .put("resourceVersion", Json.metaText(published.object(), "resourceVersion"));
      }
      return Effect().reply(replyTo, new Reply(StoredObject.of(preview, 0), null, finished));
    }
    return Effect()
        .persist(p.event())
        .thenRun(
            newState -> announce(p.event().watchType(), p.event().object(), replyTo, finished));
  }

  private void announce(
      String watchType, ObjectNode object, ActorRef<Reply> replyTo, boolean finished) {
    long seqNr = lastSequenceNumber(context);
    Announce announce =
        new Announce(
            entityId, Json.metaText(object, "uid"), seqNr, watchType, object, announcedAdapter);
    pending = new Pending(announce, replyTo, finished);
    revisionLog.tell(announce);
    timers.startSingleTimer("announce", new AnnounceTimeout(seqNr), ANNOUNCE_RETRY);
  }

  private Effect<ObjectEvent, State> onAnnounced(State state, WrappedAnnounced wrapped) {
    Announced announced = wrapped.announced();
    if (pending == null || announced.sequenceNr() != pending.announce().sequenceNr()) {
      return Effect().none();
    }
    timers.cancel("announce");
    Pending done = pending;
    pending = null;
    published = state.object() == null ? null : announced.stored();
    if (done.replyTo() != null) {
      done.replyTo().tell(new Reply(announced.stored(), null, done.finished()));
    }
    wiring.onPublished().accept(announced.stored().object());
    if (published != null && wiring.controller().isPresent()) {
      requestReconcile();
    }
    return Effect().unstashAll();
  }

  // ---- controller: one reconcile pass at a time, bursts coalesced ------------------------------

  private Effect<ObjectEvent, State> requestReconcile() {
    if (wiring.controller().isEmpty()) {
      return Effect().none();
    }
    if (reconciling) {
      reconcileAgain = true;
    } else {
      reconciling = true;
      timers.startSingleTimer("reconcile", ReconcileTick.START, RECONCILE_COALESCE);
    }
    return Effect().none();
  }

  private Effect<ObjectEvent, State> onReconcileTick(State state, ReconcileTick tick) {
    if (tick == ReconcileTick.RESYNC) {
      return requestReconcile();
    }
    if (published == null || wiring.controller().isEmpty()) {
      reconciling = false;
      return Effect().none();
    }
    context.pipeToSelf(
        wiring.controller().get().reconcile(published.object()),
        (requeue, failure) ->
            new ReconcileDone(requeue == null ? Optional.empty() : requeue, failure));
    return Effect().none();
  }

  private Effect<ObjectEvent, State> onReconcileDone(State state, ReconcileDone done) {
    reconciling = false;
    if (done.failure() != null) {
      context
          .getLog()
          .warn(
              "reconcile of {} {} failed: {}", type.plural(), entityId, done.failure().toString());
      reconciling = true;
      timers.startSingleTimer("reconcile", ReconcileTick.START, RECONCILE_RETRY);
      return Effect().none();
    }
    if (reconcileAgain) {
      reconcileAgain = false;
      return requestReconcile();
    }
    done.requeueAfter()
        .ifPresent(after -> timers.startSingleTimer("requeue", ReconcileTick.RESYNC, after));
    return Effect().none();
  }

  private Effect<ObjectEvent, State> onAnnounceTimeout(State state, AnnounceTimeout timeout) {
    if (pending != null && pending.announce().sequenceNr() == timeout.sequenceNr()) {
      context
          .getLog()
          .warn("revision log of {} did not answer for {}; retrying", type.plural(), entityId);
      revisionLog.tell(pending.announce());
      timers.startSingleTimer("announce", timeout, ANNOUNCE_RETRY);
    }
    return Effect().none();
  }

  @Override
  public EventHandler<State, ObjectEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) ->
                event instanceof ObjectEvent.Deleted
                    ? new State(null, event.object())
                    : new State(event.object(), null));
  }

  /** The resourceVersion a request requires, "" when it requires none. */
  private static String preconditionOf(Command command) {
    if (command instanceof Update u) {
      return Json.metaText(u.object(), "resourceVersion");
    }
    if (command instanceof Delete d && d.options().preconditionResourceVersion() != null) {
      return d.options().preconditionResourceVersion();
    }
    if (command instanceof Patch p && p.patchType() != PatchType.JSON_PATCH) {
      try {
        return Json.metaText(Json.MAPPER.readTree(p.patch()), "resourceVersion");
      } catch (java.io.IOException | RuntimeException e) {
        return "";
      }
    }
    return "";
  }

  private static boolean fromNewerEpoch(String resourceVersion, long published) {
    if (resourceVersion.isEmpty()) {
      return false;
    }
    try {
      return RevisionProtocol.epochOf(Long.parseLong(resourceVersion))
          > RevisionProtocol.epochOf(published);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private String nameOf() {
    int slash = entityId.indexOf('/');
    return slash < 0 ? entityId : entityId.substring(slash + 1);
  }
}
