package io.akkube.cluster.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.object.RevisionProtocol.CacheUpdate;
import io.akkube.core.object.RevisionProtocol.Change;
import io.akkube.core.object.RevisionProtocol.Snapshot;
import io.akkube.core.object.RevisionProtocol.SnapshotPart;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A member's replica of one kind (DESIGN.md §4): the current objects and a ring of recent changes,
 * fed in order by the kind's revision log. Serves lists (consistent: after the revision the caller
 * waits for) and watches (from any revision still in the ring; older ones get a 410 ERROR event).
 */
public final class WatchCache extends AbstractBehavior<WatchCache.Command> {

  public sealed interface Command {}

  /**
   * List at or after {@code minRevision}. {@code continueKey}/{@code continueRevision} resume a
   * paged list at the revision of its first page.
   */
  public record ListObjects(
      WatchFilter filter,
      long minRevision,
      long limit,
      String continueKey,
      long continueRevision,
      ActorRef<Object> replyTo)
      implements Command {}

  /**
   * Start a watch: {@code fromRevision} < 0 first sends ADDED for every current match. The reply is
   * the revision the watch starts at, or an ApiStatus.
   */
  public record Watch(
      long id,
      WatchFilter filter,
      long fromRevision,
      boolean bookmarks,
      BoundedSourceQueue<WatchEvent> queue,
      ActorRef<Object> replyTo)
      implements Command {}

  public record Unwatch(long id) implements Command {}

  /** The current object under a key, or null (as an Optional-free reply: StoredObject or ""). */
  public record GetObject(String key, ActorRef<Object> replyTo) implements Command {}

  private record Update(CacheUpdate update) implements Command {}

  private enum Tick implements Command {
    BOOKMARK,
    RESUBSCRIBE
  }

  private record RingEntry(
      long revision, String type, String key, StoredObject object, StoredObject previous) {}

  private static final class Watcher {
    final long id;
    final WatchFilter filter;
    final BoundedSourceQueue<WatchEvent> queue;
    final boolean bookmarks;

    /** The node a {@code spec.nodeName=<node>} watch (a node agent's) is limited to. */
    final Optional<String> node;

    long lastRevision;

    Watcher(
        long id,
        WatchFilter filter,
        BoundedSourceQueue<WatchEvent> queue,
        boolean bookmarks,
        long lastRevision) {
      this.id = id;
      this.filter = filter;
      this.queue = queue;
      this.bookmarks = bookmarks;
      this.node = filter.fields().requiredValue("spec.nodeName");
      this.lastRevision = lastRevision;
    }
  }

  private final ResourceType type;
  private final ActorRef<RevisionProtocol.Command> log;
  private final ActorRef<CacheUpdate> updates;
  private final int ringSize;
  private final TreeMap<String, StoredObject> objects = new TreeMap<>();
  private final ArrayDeque<RingEntry> ring = new ArrayDeque<>();
  private final Map<Long, Watcher> watchers = new HashMap<>();

  /**
   * Watchers indexed by the node their field selector requires: with a thousand node agents each
   * watching its own pods, a pod change is offered to the agents of its old and new node only.
   */
  private final Map<String, Map<Long, Watcher>> watchersByNode = new HashMap<>();

  private final Map<Long, Watcher> unindexedWatchers = new HashMap<>();
  private final List<ListObjects> waitingLists = new ArrayList<>();
  private long epoch = -1;
  private long revision = -1;

  /** A whole snapshot was asked for (after a gap) and has not arrived yet. */
  private boolean snapshotRequested;

  /** The parts of a snapshot that arrives in several messages, until its last one. */
  private final List<SnapshotPart> snapshotParts = new ArrayList<>();

  /** Every change after this revision is in the ring. */
  private long horizon = -1;

  public static Behavior<Command> create(
      ResourceType type,
      ActorRef<RevisionProtocol.Command> log,
      int ringSize,
      Duration bookmarkInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.BOOKMARK, bookmarkInterval);
                  timers.startTimerWithFixedDelay(Tick.RESUBSCRIBE, Duration.ofSeconds(5));
                  return new WatchCache(ctx, type, log, ringSize);
                }));
  }

  private WatchCache(
      ActorContext<Command> ctx,
      ResourceType type,
      ActorRef<RevisionProtocol.Command> log,
      int ringSize) {
    super(ctx);
    this.type = type;
    this.log = log;
    this.ringSize = ringSize;
    this.updates = ctx.messageAdapter(CacheUpdate.class, Update::new);
    log.tell(new RevisionProtocol.Subscribe(updates, -1));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Update.class, u -> onUpdate(u.update()))
        .onMessage(ListObjects.class, this::onList)
        .onMessage(Watch.class, this::onWatch)
        .onMessage(
            Unwatch.class,
            u -> {
              removeWatcher(u.id());
              return this;
            })
        .onMessage(GetObject.class, this::onGetObject)
        .onMessageEquals(Tick.BOOKMARK, this::onBookmarkTick)
        .onMessageEquals(
            Tick.RESUBSCRIBE,
            () -> {
              log.tell(new RevisionProtocol.Subscribe(updates, snapshotRequested ? -1 : epoch));
              return this;
            })
        .build();
  }

  private Behavior<Command> onUpdate(CacheUpdate update) {
    if (update instanceof SnapshotPart p) {
      if (p.index() == 0) {
        snapshotParts.clear();
      }
      if (p.index() == snapshotParts.size()) {
        snapshotParts.add(p);
      }
      return this;
    }
    if (update instanceof Snapshot last) {
      {
        List<SnapshotPart> parts = List.copyOf(snapshotParts);
        snapshotParts.clear();
        if (last.epoch() == epoch && last.revision() == revision) {
          snapshotRequested = false;
          return this; // a re-subscription that missed nothing
        }
        if (parts.size() != last.precedingParts()
            || parts.stream()
                .anyMatch(p -> p.epoch() != last.epoch() || p.revision() != last.revision())) {
          // A part went missing: ask for the whole snapshot again.
          getContext()
              .getLog()
              .warn(
                  "watch cache of {} got {} of {} snapshot parts; resubscribing",
                  type.plural(),
                  parts.size(),
                  last.precedingParts());
          requestSnapshot();
          return this;
        }
        List<StoredObject> all = new ArrayList<>(last.objects());
        parts.forEach(p -> all.addAll(p.objects()));
        Snapshot s = new Snapshot(last.epoch(), last.revision(), all);
        if (epoch != -1) {
          getContext()
              .getLog()
              .info(
                  "watch cache of {} restarts at epoch {} (was {})",
                  type.plural(),
                  s.epoch(),
                  epoch);
          expireAllWatchers();
        }
        snapshotRequested = false;
        epoch = s.epoch();
        revision = s.revision();
        horizon = s.revision();
        objects.clear();
        ring.clear();
        for (StoredObject o : s.objects()) {
          objects.put(keyOf(o.object()), o);
        }
      }
    } else if (update instanceof Change c) {
      {
        if (RevisionProtocol.epochOf(c.revision()) < epoch) {
          return this; // from a log instance that has been replaced: its changes are in the
          // snapshot
        }
        if (c.previousRevision() != revision) {
          // A gap: ask for a fresh snapshot rather than serve a hole.
          if (!snapshotRequested) {
            getContext()
                .getLog()
                .warn(
                    "watch cache of {} saw a gap ({} after {}); resubscribing",
                    type.plural(),
                    c.revision(),
                    revision);
          }
          requestSnapshot();
          return this;
        }
        StoredObject previous =
            "DELETED".equals(c.watchType())
                ? objects.remove(c.key())
                : objects.put(c.key(), c.object());
        revision = c.revision();
        RingEntry entry = new RingEntry(c.revision(), c.watchType(), c.key(), c.object(), previous);
        ring.addLast(entry);
        while (ring.size() > ringSize) {
          horizon = ring.removeFirst().revision();
        }
        for (Watcher w : candidates(entry)) {
          if (entry.revision() > w.lastRevision && !deliver(w, entry)) {
            removeWatcher(w.id);
          }
        }
      }
    }
    serveWaitingLists();
    return this;
  }

  /**
   * Asks the log for a whole snapshot, once until it arrives (every change after a gap would ask
   * again otherwise); the periodic re-subscription repeats a request that got lost.
   */
  private void requestSnapshot() {
    if (!snapshotRequested) {
      snapshotRequested = true;
      log.tell(new RevisionProtocol.Subscribe(updates, -1));
    }
  }

  private void expireAllWatchers() {
    for (Watcher w : watchers.values()) {
      QueueOfferResult result =
          w.queue.offer(
              errorEvent(ApiStatus.gone("too old resource version: the revision log restarted")));
      if (result == QueueOfferResult.enqueued() || result == QueueOfferResult.dropped()) {
        w.queue.complete(); // a stream that already ended must not be completed again
      }
    }
    watchers.clear();
    watchersByNode.clear();
    unindexedWatchers.clear();
  }

  private void addWatcher(Watcher w) {
    watchers.put(w.id, w);
    if (w.node.isPresent()) {
      watchersByNode.computeIfAbsent(w.node.get(), n -> new HashMap<>()).put(w.id, w);
    } else {
      unindexedWatchers.put(w.id, w);
    }
  }

  private void removeWatcher(long id) {
    Watcher w = watchers.remove(id);
    if (w == null) {
      return;
    }
    if (w.node.isPresent()) {
      Map<Long, Watcher> onNode = watchersByNode.get(w.node.get());
      if (onNode != null) {
        onNode.remove(id);
        if (onNode.isEmpty()) {
          watchersByNode.remove(w.node.get());
        }
      }
    } else {
      unindexedWatchers.remove(id);
    }
  }

  /** The watchers a change may concern: unindexed ones, and those of the object's old/new node. */
  private List<Watcher> candidates(RingEntry e) {
    List<Watcher> out = new ArrayList<>(unindexedWatchers.values());
    String now = nodeOf(e.object());
    String before = nodeOf(e.previous());
    out.addAll(watchersByNode.getOrDefault(now, Map.of()).values());
    if (!before.equals(now)) {
      out.addAll(watchersByNode.getOrDefault(before, Map.of()).values());
    }
    return out;
  }

  private static String nodeOf(StoredObject o) {
    return o == null ? "" : o.object().path("spec").path("nodeName").asText("");
  }

  private static WatchEvent errorEvent(ApiStatus status) {
    ObjectNode s = status.toJson();
    return new WatchEvent("ERROR", s, Json.bytes(s));
  }

  /** Sends one change to a watcher, as the filter sees it; false when the watcher must go. */
  private boolean deliver(Watcher w, RingEntry e) {
    boolean now = w.filter.matches(e.object().object());
    boolean before = e.previous() != null && w.filter.matches(e.previous().object());
    String eventType =
        switch (e.type()) {
          case "ADDED" -> now ? "ADDED" : null;
          case "DELETED" -> (now || before) ? "DELETED" : null;
          default -> now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
        };
    w.lastRevision = e.revision();
    if (eventType == null) {
      return true;
    }
    if (eventType.equals("DELETED") && !now && e.type().equals("MODIFIED")) {
      // Left the selector: the watcher is told with the content it last saw, at the new version.
      ObjectNode lastSeen = e.previous().object().deepCopy();
      Json.meta(lastSeen).put("resourceVersion", Long.toString(e.revision()));
      return offer(w, new WatchEvent(eventType, lastSeen, Json.bytes(lastSeen)));
    }
    return offer(w, new WatchEvent(eventType, e.object().object(), e.object().json()));
  }

  private static boolean offer(Watcher w, WatchEvent event) {
    QueueOfferResult result = w.queue.offer(event);
    if (result == QueueOfferResult.enqueued()) {
      return true;
    }
    // Too slow (buffer full) or gone: end the stream; a client re-watches from its last version.
    // A stream that already ended (its timeout, a cancelled client) is closed: completing it again
    // throws, which would stop this cache for every watcher.
    if (result == QueueOfferResult.dropped()) {
      w.queue.complete();
    }
    return false;
  }

  private Behavior<Command> onWatch(Watch w) {
    if (revision < 0) {
      getContext().scheduleOnce(Duration.ofMillis(50), getContext().getSelf(), w);
      return this;
    }
    Watcher watcher = new Watcher(w.id(), w.filter(), w.queue(), w.bookmarks(), revision);
    if (w.fromRevision() < 0) {
      for (StoredObject o : objects.values()) {
        if (w.filter().matches(o.object())
            && !offer(watcher, new WatchEvent("ADDED", o.object(), o.json()))) {
          w.replyTo().tell(revision);
          return this;
        }
      }
    } else if (RevisionProtocol.epochOf(w.fromRevision()) != epoch || w.fromRevision() < horizon) {
      w.queue()
          .offer(
              errorEvent(
                  ApiStatus.gone(
                      "too old resource version: " + w.fromRevision() + " (" + horizon + ")")));
      w.queue().complete();
      w.replyTo().tell(revision);
      return this;
    } else {
      watcher.lastRevision = w.fromRevision();
      for (RingEntry e : ring) {
        if (e.revision() > w.fromRevision() && !deliver(watcher, e)) {
          w.replyTo().tell(revision);
          return this;
        }
      }
      watcher.lastRevision = Math.max(revision, w.fromRevision());
    }
    addWatcher(watcher);
    w.replyTo().tell(revision);
    return this;
  }

  private Behavior<Command> onBookmarkTick() {
    for (Watcher w : List.copyOf(watchers.values())) {
      if (w.bookmarks && !offer(w, bookmark(Math.max(revision, w.lastRevision)))) {
        removeWatcher(w.id);
      }
    }
    return this;
  }

  private WatchEvent bookmark(long rev) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("kind", type.kind());
    b.put("apiVersion", type.apiVersion());
    b.putObject("metadata").put("resourceVersion", Long.toString(rev));
    return new WatchEvent("BOOKMARK", b, Json.bytes(b));
  }

  private Behavior<Command> onGetObject(GetObject g) {
    if (revision < 0) {
      getContext().scheduleOnce(Duration.ofMillis(50), getContext().getSelf(), g);
      return this;
    }
    StoredObject o = objects.get(g.key());
    g.replyTo().tell(o == null ? "" : o);
    return this;
  }

  /** A list waits until this cache has reached what it needs (a continue page: its revision). */
  private static long needed(ListObjects l) {
    return l.continueKey() == null
        ? l.minRevision()
        : Math.max(l.minRevision(), l.continueRevision());
  }

  private Behavior<Command> onList(ListObjects l) {
    if (revision < 0 || revision < needed(l)) {
      if (revision >= 0 && RevisionProtocol.epochOf(needed(l)) > epoch) {
        // The log restarted (fail-over) and this cache has not heard of it: subscribe now rather
        // than at the next periodic re-subscription, so the list is not held for it.
        log.tell(new RevisionProtocol.Subscribe(updates, epoch));
      }
      waitingLists.add(l);
      return this;
    }
    serve(l);
    return this;
  }

  private void serveWaitingLists() {
    for (Iterator<ListObjects> it = waitingLists.iterator(); it.hasNext(); ) {
      ListObjects l = it.next();
      if (revision >= 0 && revision >= needed(l)) {
        it.remove();
        serve(l);
      }
    }
  }

  private void serve(ListObjects l) {
    long atRevision = l.continueKey() == null ? revision : l.continueRevision();
    NavigableMap<String, StoredObject> view;
    if (atRevision == revision) {
      view = objects;
    } else if (RevisionProtocol.epochOf(atRevision) != epoch || atRevision < horizon) {
      l.replyTo()
          .tell(
              ApiStatus.gone(
                  "The provided continue parameter is too old to display a consistent list result."
                      + " You can start a new list without the continue parameter."));
      return;
    } else {
      view = viewAt(atRevision, l.continueKey());
    }
    String from = l.continueKey();
    String namespacePrefix = l.filter().namespace() == null ? null : l.filter().namespace() + "/";
    NavigableMap<String, StoredObject> range =
        from != null
            ? view.tailMap(from, false)
            : namespacePrefix != null && type.namespaced()
                ? view.tailMap(namespacePrefix, true)
                : view;
    List<StoredObject> items = new ArrayList<>();
    String lastKey = null;
    boolean more = false;
    for (var e : range.entrySet()) {
      if (namespacePrefix != null && type.namespaced() && !e.getKey().startsWith(namespacePrefix)) {
        break;
      }
      if (!l.filter().matches(e.getValue().object())) {
        continue;
      }
      if (l.limit() > 0 && items.size() >= l.limit()) {
        more = true;
        break;
      }
      items.add(e.getValue());
      lastKey = e.getKey();
    }
    String token = more ? continueToken(atRevision, lastKey) : null;
    l.replyTo().tell(new ListResult(items, atRevision, token, null));
  }

  /** The objects as they were at an earlier revision still covered by the ring. */
  private NavigableMap<String, StoredObject> viewAt(long atRevision, String after) {
    Map<String, StoredObject> undo = new HashMap<>();
    for (Iterator<RingEntry> it = ring.descendingIterator(); it.hasNext(); ) {
      RingEntry e = it.next();
      if (e.revision() <= atRevision) {
        break;
      }
      undo.put(e.key(), e.previous());
    }
    TreeMap<String, StoredObject> view = new TreeMap<>();
    TreeSet<String> keys =
        new TreeSet<>(after == null ? objects.keySet() : objects.tailMap(after, false).keySet());
    keys.addAll(undo.keySet());
    for (String k : keys) {
      StoredObject o = undo.containsKey(k) ? undo.get(k) : objects.get(k);
      if (o != null) {
        view.put(k, o);
      }
    }
    return view;
  }

  static String continueToken(long revision, String lastKey) {
    ObjectNode t = Json.MAPPER.createObjectNode();
    t.put("v", "meta.k8s.io/v1");
    t.put("rv", revision);
    t.put("start", lastKey);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(t));
  }

  /** Decodes a continue token into (revision, last key); null when it is not one of ours. */
  public static Object[] parseContinueToken(String token) {
    try {
      var node =
          Json.MAPPER.readTree(
              new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      return new Object[] {node.get("rv").asLong(), node.get("start").asText()};
    } catch (Exception e) {
      return null;
    }
  }

  private String keyOf(ObjectNode object) {
    return type.entityId(Json.namespace(object), Json.name(object));
  }
}
