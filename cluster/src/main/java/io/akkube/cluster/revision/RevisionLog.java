package io.akkube.cluster.revision;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.persistence.query.EventEnvelope;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.ObjectEvent;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.object.RevisionProtocol.Announce;
import io.akkube.core.object.RevisionProtocol.Announced;
import io.akkube.core.object.RevisionProtocol.CacheUpdate;
import io.akkube.core.object.RevisionProtocol.Change;
import io.akkube.core.object.RevisionProtocol.Command;
import io.akkube.core.object.RevisionProtocol.GetRevision;
import io.akkube.core.object.RevisionProtocol.Snapshot;
import io.akkube.core.object.RevisionProtocol.SnapshotPart;
import io.akkube.core.object.RevisionProtocol.Subscribe;
import io.akkube.core.store.StoredObject;
import io.akkube.persistence.RevisionEpochs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A kind's revision log (cluster singleton, DESIGN.md §4): assigns each durable change the next
 * revision, keeps the kind's current objects, and streams changes to the watch caches. On start it
 * takes a new epoch and, meanwhile, rebuilds the current objects from the journal's tag stream.
 */
public final class RevisionLog extends AbstractBehavior<Command> {

  private record Entry(String uid, long sequenceNr, StoredObject stored) {}

  private record EpochTaken(long epoch) implements Command {}

  private record Rebuilt(Map<String, Entry> objects) implements Command {}

  private record StartFailed(Throwable cause) implements Command {}

  private final ResourceType type;
  private final StashBuffer<Command> stash;
  private final Map<String, Entry> objects = new HashMap<>();

  /** Recent deletions, so a repeated DELETED announcement gets the same answer (idempotence). */
  private final Map<String, Entry> tombstones =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > 10_000;
        }
      };

  /**
   * JSON bytes per snapshot message. A StoredObject travels as its tree and its bytes, so a part
   * stays well under Artery's default 256 KiB frame.
   */
  private static final int SNAPSHOT_PART_BYTES = 64 * 1024;

  private final Set<ActorRef<CacheUpdate>> subscribers = new HashSet<>();
  private final long startedNanos = System.nanoTime();
  private long epoch = -1;
  private Map<String, Entry> rebuilt;

  /** key@sequenceNr of the announcements stashed while the log is not ready. */
  private final Set<String> waitingAnnouncements = new HashSet<>();

  private long counter;
  private boolean ready;

  /**
   * @param journal every stored event of this kind (the tag stream), read once at start
   */
  public static Behavior<Command> create(
      ResourceType type, Supplier<Source<EventEnvelope, NotUsed>> journal) {
    return Behaviors.withStash(
        100_000,
        stash ->
            Behaviors.setup(
                ctx -> {
                  var epochs = ctx.spawn(RevisionEpochs.create(type.entityTypeName()), "epochs");
                  ctx.ask(
                      Long.class,
                      epochs,
                      Duration.ofSeconds(60),
                      RevisionEpochs.Next::new,
                      (epoch, failure) ->
                          failure != null ? new StartFailed(failure) : new EpochTaken(epoch));
                  RevisionLog log = new RevisionLog(ctx, stash, type, journal);
                  // The rebuild does not need the epoch: both at once (a fail-over waits for both).
                  ctx.pipeToSelf(
                      log.rebuild(),
                      (objects, failure) ->
                          failure != null ? new StartFailed(failure) : new Rebuilt(objects));
                  return log;
                }));
  }

  private final Supplier<Source<EventEnvelope, NotUsed>> journal;

  private RevisionLog(
      ActorContext<Command> ctx,
      StashBuffer<Command> stash,
      ResourceType type,
      Supplier<Source<EventEnvelope, NotUsed>> journal) {
    super(ctx);
    this.stash = stash;
    this.type = type;
    this.journal = journal;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            EpochTaken.class,
            e -> {
              epoch = e.epoch();
              return startIfRebuilt();
            })
        .onMessage(
            Rebuilt.class,
            r -> {
              rebuilt = r.objects();
              return startIfRebuilt();
            })
        .onMessage(
            StartFailed.class,
            f -> {
              getContext()
                  .getLog()
                  .error("revision log of {} could not start", type.plural(), f.cause());
              throw new IllegalStateException("revision log start failed", f.cause());
            })
        .onMessage(Announce.class, this::onAnnounce)
        .onMessage(GetRevision.class, this::onGetRevision)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onSignal(
            Terminated.class,
            t -> {
              subscribers.remove(t.getRef());
              return this;
            })
        .build();
  }

  private Behavior<Command> startIfRebuilt() {
    if (epoch < 0 || rebuilt == null) {
      return this;
    }
    objects.clear();
    // Every object known at start gets a revision in the new epoch, in key order.
    for (var e : new TreeMap<>(rebuilt).entrySet()) {
      counter++;
      Entry entry = e.getValue();
      objects.put(
          e.getKey(),
          new Entry(entry.uid(), entry.sequenceNr(), publish(entry.stored().object(), revision())));
    }
    rebuilt = null;
    waitingAnnouncements.clear();
    ready = true;
    getContext()
        .getLog()
        .info(
            "revision log of {} ready: epoch {}, {} objects, started in {} ms",
            type.plural(),
            epoch,
            objects.size(),
            (System.nanoTime() - startedNanos) / 1_000_000);
    return stash.unstashAll(this);
  }

  private java.util.concurrent.CompletionStage<Map<String, Entry>> rebuild() {
    Map<String, Entry> latest = new HashMap<>();
    return journal
        .get()
        .runWith(
            Sink.foreach(
                env -> {
                  if (env.event() instanceof ObjectEvent event) {
                    String key = keyOf(event.object());
                    if (event instanceof ObjectEvent.Deleted) {
                      Entry known = latest.get(key);
                      if (known != null
                          && known.uid().equals(Json.metaText(event.object(), "uid"))) {
                        latest.remove(key);
                      }
                    } else {
                      latest.put(
                          key,
                          new Entry(
                              Json.metaText(event.object(), "uid"),
                              env.sequenceNr(),
                              new StoredObject(event.object(), null, 0)));
                    }
                  }
                }),
            getContext().getSystem())
        .thenApply(done -> latest);
  }

  private String keyOf(ObjectNode object) {
    return type.entityId(Json.namespace(object), Json.name(object));
  }

  private long revision() {
    return RevisionProtocol.revision(epoch, counter);
  }

  private Behavior<Command> onAnnounce(Announce a) {
    if (!ready) {
      // Entities repeat an unanswered announcement every second: keep one of each.
      if (waitingAnnouncements.add(a.key() + "@" + a.sequenceNr())) {
        stash.stash(a);
      }
      return this;
    }
    Entry known = objects.get(a.key());
    boolean sameIncarnation = known != null && known.uid().equals(a.uid());
    if (sameIncarnation && known.sequenceNr() >= a.sequenceNr()) {
      a.replyTo().tell(new Announced(a.key(), a.sequenceNr(), known.stored()));
      return this;
    }
    long previous = revision();
    if ("DELETED".equals(a.watchType())) {
      if (known == null) {
        // Already gone (announced before, or never seen by this epoch): nothing to stream.
        Entry gone = tombstones.get(a.key());
        StoredObject answer =
            gone != null && gone.uid().equals(a.uid()) && gone.sequenceNr() >= a.sequenceNr()
                ? gone.stored()
                : publish(a.object(), previous);
        a.replyTo().tell(new Announced(a.key(), a.sequenceNr(), answer));
        return this;
      }
      counter++;
      StoredObject stored = publish(a.object(), revision());
      objects.remove(a.key());
      tombstones.put(a.key(), new Entry(a.uid(), a.sequenceNr(), stored));
      broadcast(new Change(previous, revision(), "DELETED", a.key(), stored));
      a.replyTo().tell(new Announced(a.key(), a.sequenceNr(), stored));
      return this;
    }
    counter++;
    StoredObject stored = publish(a.object(), revision());
    objects.put(a.key(), new Entry(a.uid(), a.sequenceNr(), stored));
    String watchType = sameIncarnation ? "MODIFIED" : "ADDED";
    broadcast(new Change(previous, revision(), watchType, a.key(), stored));
    a.replyTo().tell(new Announced(a.key(), a.sequenceNr(), stored));
    return this;
  }

  /** The object as readers see it: a copy with its resourceVersion, serialised once. */
  private static StoredObject publish(ObjectNode object, long revision) {
    ObjectNode copy = object.deepCopy();
    Json.meta(copy).put("resourceVersion", Long.toString(revision));
    return StoredObject.of(copy, revision);
  }

  private void broadcast(Change change) {
    for (ActorRef<CacheUpdate> s : subscribers) {
      s.tell(change);
    }
  }

  private Behavior<Command> onGetRevision(GetRevision g) {
    if (!ready) {
      // Not stashed: the store asks again every second (ShardedObjectStore.currentRevision), so a
      // long rebuild under periodic lists does not fill the stash with questions nobody awaits.
      return this;
    }
    g.replyTo().tell(new RevisionProtocol.Revision(epoch, revision()));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (!ready) {
      stash.stash(s);
      return this;
    }
    if (subscribers.contains(s.subscriber()) && s.knownEpoch() == epoch) {
      return this;
    }
    if (subscribers.add(s.subscriber())) {
      getContext().watch(s.subscriber());
    }
    // In parts of at most SNAPSHOT_PART_BYTES of JSON: a remote subscriber's frames are bounded.
    List<StoredObject> part = new ArrayList<>();
    int bytes = 0;
    int parts = 0;
    for (Entry e : objects.values()) {
      if (!part.isEmpty() && bytes + e.stored().json().length > SNAPSHOT_PART_BYTES) {
        s.subscriber().tell(new SnapshotPart(epoch, revision(), parts++, part));
        part = new ArrayList<>();
        bytes = 0;
      }
      part.add(e.stored());
      bytes += e.stored().json().length;
    }
    s.subscriber().tell(new Snapshot(epoch, revision(), part, parts));
    return this;
  }
}
