package io.akkube.cluster.revision;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.EntityWiring;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.ObjectEvent;
import io.akkube.core.object.ResourceStrategies;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.object.RevisionProtocol.Announce;
import io.akkube.core.object.RevisionProtocol.Announced;
import io.akkube.core.object.RevisionProtocol.CacheUpdate;
import io.akkube.core.object.RevisionProtocol.Change;
import io.akkube.core.object.RevisionProtocol.Snapshot;
import io.akkube.core.object.RevisionProtocol.Subscribe;
import io.akkube.core.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kind's revision log (DESIGN.md §4): the order of durable changes, idempotent on (uid,
 * sequenceNr), streamed to watch caches, and rebuilt from the journal in a new epoch on every
 * start.
 */
class RevisionLogTest {

  /** The epochs are persisted in Akka's in-memory journal (the store RevisionEpochs writes to). */
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "RevisionLogTest",
          ConfigFactory.parseString(
              "akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"\n"
                  + "akka.persistence.snapshot-store.plugin = \"\"\n"
                  + "akka.actor.serialization-bindings {\n"
                  + "  \"io.akkube.core.CborSerializable\" = jackson-cbor\n"
                  + "}\n"
                  + "akka.loglevel = WARNING\n"
                  + "akka.actor.testkit.typed.single-expect-default = 10s"));

  private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final AtomicInteger kinds = new AtomicInteger();

  /** A kind of its own per test, so each test's log starts at epoch 1. */
  private ResourceType type;

  private TestProbe<Announced> entity;

  @BeforeEach
  void setUp() {
    int n = kinds.incrementAndGet();
    type =
        new ResourceType(
            "example.com",
            "v1",
            "Widget" + n,
            "widgets" + n,
            "widget" + n,
            true,
            List.of(),
            List.of(),
            Set.of());
    entity = testKit.createTestProbe(Announced.class);
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void revisionsStrictlyIncreaseWithinTheFirstEpoch() {
    ActorRef<RevisionProtocol.Command> log = start(List.of());
    List<Long> revisions = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      Announced announced = announce(log, object(name, "uid-" + name, "web"), 1, "ADDED");
      revisions.add(announced.stored().revision());
      assertThat(Json.metaText(announced.stored().object(), "resourceVersion"))
          .isEqualTo(Long.toString(announced.stored().revision()));
    }
    Announced modified = announce(log, object("a", "uid-a", "db"), 2, "MODIFIED");
    revisions.add(modified.stored().revision());

    assertThat(revisions).isSorted().doesNotHaveDuplicates();
    assertThat(revisions).allSatisfy(r -> assertThat(RevisionProtocol.epochOf(r)).isEqualTo(1));
    assertThat(revisions.get(0)).isEqualTo(RevisionProtocol.revision(1, 1));

    TestProbe<RevisionProtocol.Revision> reader =
        testKit.createTestProbe(RevisionProtocol.Revision.class);
    log.tell(new RevisionProtocol.GetRevision(reader.ref()));
    assertThat(reader.receiveMessage())
        .isEqualTo(new RevisionProtocol.Revision(1, revisions.get(revisions.size() - 1)));
  }

  @Test
  void aDuplicateAnnouncementGetsTheSameRevisionAndIsNotStreamedAgain() {
    ActorRef<RevisionProtocol.Command> log = start(List.of());
    TestProbe<CacheUpdate> cache = subscribe(log, -1);
    cache.expectMessageClass(Snapshot.class);

    Announced first = announce(log, object("a", "uid-a", "web"), 1, "ADDED");
    cache.expectMessageClass(Change.class);
    Announced again = announce(log, object("a", "uid-a", "web"), 1, "ADDED");
    assertThat(again.stored().revision()).isEqualTo(first.stored().revision());
    assertThat(again.stored().object()).isEqualTo(first.stored().object());

    // A retry that arrives after later changes of the object is answered with what the log knows.
    announce(log, object("a", "uid-a", "db"), 2, "MODIFIED");
    Change modified = cache.expectMessageClass(Change.class);
    Announced late = announce(log, object("a", "uid-a", "web"), 1, "ADDED");
    assertThat(late.stored().revision()).isEqualTo(modified.revision());
    cache.expectNoMessage(QUIET);
  }

  @Test
  void aDuplicateDeletionGetsTheSameRevisionAndIsNotStreamedAgain() {
    ActorRef<RevisionProtocol.Command> log = start(List.of());
    TestProbe<CacheUpdate> cache = subscribe(log, -1);
    cache.expectMessageClass(Snapshot.class);
    announce(log, object("a", "uid-a", "web"), 1, "ADDED");
    cache.expectMessageClass(Change.class);

    Announced deleted = announce(log, object("a", "uid-a", "web"), 2, "DELETED");
    Change change = cache.expectMessageClass(Change.class);
    assertThat(change.watchType()).isEqualTo("DELETED");
    assertThat(deleted.stored().revision()).isEqualTo(change.revision());

    // Another object changes, then the entity's retry of the deletion arrives (its first answer
    // was lost or late): the answer must still be the deletion's revision.
    announce(log, object("b", "uid-b", "web"), 1, "ADDED");
    cache.expectMessageClass(Change.class);
    Announced retried = announce(log, object("a", "uid-a", "web"), 2, "DELETED");
    cache.expectNoMessage(QUIET);
    assertThat(retried.stored().revision()).isEqualTo(deleted.stored().revision());
  }

  @Test
  void aSubscriberGetsASnapshotThenEveryChangeChainedByPreviousRevision() {
    ActorRef<RevisionProtocol.Command> log = start(List.of());
    Announced a = announce(log, object("a", "uid-a", "web"), 1, "ADDED");
    Announced b = announce(log, object("b", "uid-b", "web"), 1, "ADDED");

    TestProbe<CacheUpdate> cache = subscribe(log, -1);
    Snapshot snapshot = cache.expectMessageClass(Snapshot.class);
    assertThat(snapshot.epoch()).isEqualTo(1);
    assertThat(snapshot.revision()).isEqualTo(b.stored().revision());
    assertThat(byName(snapshot.objects()))
        .containsOnlyKeys("a", "b")
        .containsEntry("a", a.stored().revision())
        .containsEntry("b", b.stored().revision());

    announce(log, object("a", "uid-a", "db"), 2, "MODIFIED");
    announce(log, object("c", "uid-c", "web"), 1, "ADDED");
    announce(log, object("b", "uid-b", "web"), 2, "DELETED");
    // A new incarnation under a deleted name is ADDED again.
    announce(log, object("b", "uid-b2", "web"), 3, "MODIFIED");

    long previous = snapshot.revision();
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Change change = cache.expectMessageClass(Change.class);
      assertThat(change.previousRevision()).isEqualTo(previous);
      assertThat(change.revision()).isGreaterThan(previous);
      assertThat(change.object().revision()).isEqualTo(change.revision());
      assertThat(Json.metaText(change.object().object(), "resourceVersion"))
          .isEqualTo(Long.toString(change.revision()));
      previous = change.revision();
      seen.add(change.watchType() + " " + change.key());
    }
    assertThat(seen).containsExactly("MODIFIED ns/a", "ADDED ns/c", "DELETED ns/b", "ADDED ns/b");

    // Subscribing again with the known epoch is harmless; with an unknown one it re-snapshots.
    log.tell(new Subscribe(cache.ref(), 1));
    cache.expectNoMessage(QUIET);
    log.tell(new Subscribe(cache.ref(), -1));
    Snapshot again = cache.expectMessageClass(Snapshot.class);
    assertThat(again.revision()).isEqualTo(previous);
    assertThat(byName(again.objects())).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void aRestartedLogRebuildsTheCurrentObjectsInANewEpochAboveEveryEarlierRevision() {
    List<EventEnvelope> journal = new ArrayList<>();
    ActorRef<RevisionProtocol.Command> first = start(List.of());
    long highest = 0;
    highest = persistAndAnnounce(first, journal, new Created(object("a", "uid-a", "web")), 1);
    highest = persistAndAnnounce(first, journal, new Created(object("b", "uid-b", "web")), 1);
    highest = persistAndAnnounce(first, journal, new Deleted(object("b", "uid-b", "web")), 2);
    highest = persistAndAnnounce(first, journal, new Created(object("c", "uid-c", "web")), 1);
    highest = persistAndAnnounce(first, journal, new Spec(object("a", "uid-a", "db")), 2);
    // d: deleted, then a new incarnation that is current.
    highest = persistAndAnnounce(first, journal, new Created(object("d", "uid-d1", "web")), 1);
    highest = persistAndAnnounce(first, journal, new Deleted(object("d", "uid-d1", "web")), 2);
    highest = persistAndAnnounce(first, journal, new Created(object("d", "uid-d2", "new")), 3);
    testKit.stop(first);

    ActorRef<RevisionProtocol.Command> second = start(journal);
    TestProbe<CacheUpdate> cache = subscribe(second, -1);
    Snapshot snapshot = cache.expectMessageClass(Snapshot.class);
    assertThat(snapshot.epoch()).isEqualTo(2);
    assertThat(snapshot.revision()).isGreaterThan(highest);
    Map<String, StoredObject> objects =
        snapshot.objects().stream()
            .collect(Collectors.toMap(o -> Json.name(o.object()), Function.identity()));
    assertThat(objects).containsOnlyKeys("a", "c", "d");
    assertThat(objects.get("a").object().at("/metadata/labels/app").asText()).isEqualTo("db");
    assertThat(Json.metaText(objects.get("d").object(), "uid")).isEqualTo("uid-d2");
    for (StoredObject o : objects.values()) {
      assertThat(o.revision()).isGreaterThan(highest).isLessThanOrEqualTo(snapshot.revision());
      assertThat(RevisionProtocol.epochOf(o.revision())).isEqualTo(2);
      assertThat(Json.metaText(o.object(), "resourceVersion"))
          .isEqualTo(Long.toString(o.revision()));
    }

    // An entity re-announcing after recovery is recognised from the journal: no change streamed.
    Announced reannounced = announce(second, object("a", "uid-a", "db"), 2, "MODIFIED");
    assertThat(reannounced.stored().revision()).isEqualTo(objects.get("a").revision());
    cache.expectNoMessage(QUIET);

    // The next change continues from the snapshot's revision.
    Announced next = announce(second, object("c", "uid-c", "db"), 2, "MODIFIED");
    Change change = cache.expectMessageClass(Change.class);
    assertThat(change.previousRevision()).isEqualTo(snapshot.revision());
    assertThat(change.revision()).isEqualTo(next.stored().revision()).isGreaterThan(highest);
  }

  /**
   * After a fail-over every object has a new-epoch resourceVersion in the log and the watch caches,
   * so clients that list or watch hold that version. An entity written before the fail-over (and
   * not restarted since) must accept it as the current resourceVersion; it still compares with the
   * version the old log gave it and answers 409 Conflict to every update carrying the listed one.
   */
  @Test
  void anUpdateWithTheResourceVersionListedAfterAFailOverIsAccepted() {
    List<EventEnvelope> journal = new ArrayList<>();
    ActorRef<RevisionProtocol.Command> first = start(List.of());
    AtomicReference<ActorRef<RevisionProtocol.Command>> singleton = new AtomicReference<>(first);
    ActorRef<RevisionProtocol.Command> proxy =
        testKit.spawn(
            Behaviors.<RevisionProtocol.Command>receiveMessage(
                m -> {
                  singleton.get().tell(m);
                  return Behaviors.same();
                }));
    EntityWiring wiring =
        new EntityWiring(
            ResourceStrategies.of(type),
            proxy,
            Optional.empty(),
            published -> {},
            Duration.ofHours(1),
            Clock.systemUTC());
    ActorRef<ObjectEntity.Command> entity =
        testKit.spawn(ObjectEntity.create(type, "ns/a", wiring));
    TestProbe<ObjectEntity.Reply> client = testKit.createTestProbe(ObjectEntity.Reply.class);
    entity.tell(new ObjectEntity.Create(object("a", "", "web"), false, client.ref()));
    ObjectEntity.Reply created = client.receiveMessage();
    assertThat(created.error()).isNull();
    ObjectNode persisted = created.object().object().deepCopy();
    Json.meta(persisted).remove("resourceVersion");
    journal.add(
        new EventEnvelope(
            Offset.sequence(1),
            type.entityTypeName() + "|ns/a",
            1,
            new ObjectEvent.Created(persisted, AT),
            AT.toEpochMilli()));

    testKit.stop(first);
    ActorRef<RevisionProtocol.Command> second = start(journal);
    singleton.set(second);
    TestProbe<CacheUpdate> cache = subscribe(second, -1);
    StoredObject listed = cache.expectMessageClass(Snapshot.class).objects().get(0);
    assertThat(listed.revision()).isGreaterThan(created.object().revision());

    ObjectNode update = listed.object().deepCopy();
    Json.meta(update).with("labels").put("app", "db");
    entity.tell(new ObjectEntity.Update(update, null, false, client.ref()));
    ObjectEntity.Reply reply = client.receiveMessage();
    assertThat(reply.error()).as("error").isNull();
    assertThat(reply.object().revision()).isGreaterThan(listed.revision());
  }

  @Test
  void requestsSentBeforeTheLogIsReadyAreAnsweredOnceItIs() {
    ActorRef<RevisionProtocol.Command> log =
        testKit.spawn(RevisionLog.create(type, () -> Source.<EventEnvelope>empty()));
    TestProbe<CacheUpdate> cache = testKit.createTestProbe(CacheUpdate.class);
    log.tell(new Subscribe(cache.ref(), -1));
    log.tell(announcement(object("a", "uid-a", "web"), 1, "ADDED"));
    Snapshot snapshot = cache.expectMessageClass(Snapshot.class);
    assertThat(snapshot.objects()).isEmpty();
    Change change = cache.expectMessageClass(Change.class);
    assertThat(change.previousRevision()).isEqualTo(snapshot.revision());
    assertThat(entity.receiveMessage().stored().revision()).isEqualTo(change.revision());
  }

  @Test
  void aRevisionAskedWhileTheLogRebuildsIsIgnoredAndAskedAgainAnswered() {
    java.util.concurrent.CompletableFuture<akka.Done> rebuilt =
        new java.util.concurrent.CompletableFuture<>();
    ActorRef<RevisionProtocol.Command> log =
        testKit.spawn(
            RevisionLog.create(
                type, () -> Source.completionStage(rebuilt).flatMapConcat(done -> Source.empty())));
    TestProbe<RevisionProtocol.Revision> early =
        testKit.createTestProbe(RevisionProtocol.Revision.class);
    log.tell(new RevisionProtocol.GetRevision(early.ref()));
    early.expectNoMessage(QUIET);

    rebuilt.complete(akka.Done.getInstance());
    TestProbe<RevisionProtocol.Revision> again =
        testKit.createTestProbe(RevisionProtocol.Revision.class);
    again.awaitAssert(
        () -> {
          log.tell(new RevisionProtocol.GetRevision(again.ref()));
          return again.receiveMessage(Duration.ofMillis(100));
        });
    early.expectNoMessage(QUIET);
  }

  @Test
  void anAnnouncementRepeatedWhileTheLogRebuildsIsAnsweredOnce() {
    java.util.concurrent.CompletableFuture<akka.Done> rebuilt =
        new java.util.concurrent.CompletableFuture<>();
    ActorRef<RevisionProtocol.Command> log =
        testKit.spawn(
            RevisionLog.create(
                type, () -> Source.completionStage(rebuilt).flatMapConcat(done -> Source.empty())));
    for (int i = 0; i < 3; i++) {
      log.tell(announcement(object("a", "uid-a", "web"), 1, "ADDED"));
    }
    entity.expectNoMessage(QUIET);
    rebuilt.complete(akka.Done.getInstance());
    assertThat(entity.receiveMessage().sequenceNr()).isEqualTo(1);
    entity.expectNoMessage(QUIET);
  }

  @Test
  void aLargeSnapshotComesInPartsThatTogetherHoldEveryObject() {
    List<EventEnvelope> journal = new ArrayList<>();
    String padding = "x".repeat(60);
    for (int i = 0; i < 1500; i++) {
      journal.add(envelope(new ObjectEvent.Created(object("o-" + i, "uid-" + i, padding), AT), 1));
    }
    TestProbe<CacheUpdate> cache = subscribe(start(journal), -1);
    List<String> names = new ArrayList<>();
    int parts = 0;
    while (true) {
      CacheUpdate update = cache.receiveMessage();
      if (update instanceof RevisionProtocol.SnapshotPart part) {
        assertThat(part.index()).isEqualTo(parts++);
        part.objects().forEach(o -> names.add(Json.name(o.object())));
      } else {
        Snapshot last = (Snapshot) update;
        assertThat(last.precedingParts()).isEqualTo(parts);
        last.objects().forEach(o -> names.add(Json.name(o.object())));
        break;
      }
    }
    assertThat(parts).isGreaterThan(1);
    assertThat(names).hasSize(1500).doesNotHaveDuplicates();
  }

  // ---------------------------------------------------------------- helpers

  private sealed interface Fact {
    ObjectNode object();
  }

  private record Created(ObjectNode object) implements Fact {}

  private record Spec(ObjectNode object) implements Fact {}

  private record Deleted(ObjectNode object) implements Fact {}

  /** What an entity does: persist the event (here: append it to the journal), then announce it. */
  private long persistAndAnnounce(
      ActorRef<RevisionProtocol.Command> log, List<EventEnvelope> journal, Fact fact, long seqNr) {
    ObjectEvent event;
    if (fact instanceof Created) {
      event = new ObjectEvent.Created(fact.object(), AT);
    } else if (fact instanceof Spec) {
      event = new ObjectEvent.SpecReplaced(fact.object(), AT);
    } else {
      event = new ObjectEvent.Deleted(fact.object(), AT);
    }
    String key = "ns/" + Json.name(fact.object());
    journal.add(
        new EventEnvelope(
            Offset.sequence(journal.size() + 1),
            type.entityTypeName() + "|" + key,
            seqNr,
            event,
            AT.toEpochMilli()));
    return announce(log, fact.object(), seqNr, event.watchType()).stored().revision();
  }

  private ActorRef<RevisionProtocol.Command> start(List<EventEnvelope> journal) {
    List<EventEnvelope> events = List.copyOf(journal);
    return testKit.spawn(RevisionLog.create(type, () -> Source.<EventEnvelope>from(events)));
  }

  private EventEnvelope envelope(ObjectEvent event, long seqNr) {
    return new EventEnvelope(
        Offset.sequence(seqNr),
        type.entityTypeName() + "|ns/" + Json.name(event.object()),
        seqNr,
        event,
        AT.toEpochMilli());
  }

  private TestProbe<CacheUpdate> subscribe(ActorRef<RevisionProtocol.Command> log, long epoch) {
    TestProbe<CacheUpdate> cache = testKit.createTestProbe(CacheUpdate.class);
    log.tell(new Subscribe(cache.ref(), epoch));
    return cache;
  }

  private Announced announce(
      ActorRef<RevisionProtocol.Command> log, ObjectNode object, long seqNr, String watchType) {
    log.tell(announcement(object, seqNr, watchType));
    Announced announced = entity.receiveMessage();
    assertThat(announced.key()).isEqualTo("ns/" + Json.name(object));
    assertThat(announced.sequenceNr()).isEqualTo(seqNr);
    return announced;
  }

  private Announce announcement(ObjectNode object, long seqNr, String watchType) {
    return new Announce(
        "ns/" + Json.name(object),
        Json.metaText(object, "uid"),
        seqNr,
        watchType,
        object,
        entity.ref());
  }

  private ObjectNode object(String name, String uid, String app) {
    return Json.parseObject(
        ("{'apiVersion':'example.com/v1','kind':'"
                + type.kind()
                + "','metadata':{'name':'"
                + name
                + "','namespace':'ns','uid':'"
                + uid
                + "','labels':{'app':'"
                + app
                + "'}},'spec':{}}")
            .replace('\'', '"')
            .getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Long> byName(List<StoredObject> objects) {
    return objects.stream()
        .collect(Collectors.toMap(o -> Json.name(o.object()), StoredObject::revision));
  }
}
