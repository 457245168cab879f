package io.akkube.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectEntity.Reply;
import io.akkube.core.object.RevisionProtocol.Announce;
import io.akkube.core.object.RevisionProtocol.Announced;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An object entity persists, then announces to its kind's revision log (a probe here), and answers
 * the client only with the revision the log assigned (DESIGN.md §4, "persist, then sequence").
 */
class ObjectEntityTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "ObjectEntityTest",
          PersistenceTestKitPlugin.getInstance()
              .config()
              .withFallback(PersistenceTestKitSnapshotPlugin.config())
              .withFallback(
                  ConfigFactory.parseString(
                      "akka.actor.serialization-bindings {\n"
                          + "  \"io.akkube.core.CborSerializable\" = jackson-cbor\n"
                          + "}\n"
                          + "akka.persistence.testkit.events.assert-timeout = 300ms\n"
                          + "akka.loglevel = WARNING\n"
                          // a busy machine (2 cores shared) must not fail the test
                          + "akka.actor.testkit.typed.single-expect-default = 10s")));

  private static final ResourceType TYPE = ResourceTypes.CONFIG_MAPS;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final AtomicInteger names = new AtomicInteger();

  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  private TestProbe<RevisionProtocol.Command> log;
  private TestProbe<Reply> client;
  private String name;

  @BeforeEach
  void setUp() {
    log = testKit.createTestProbe(RevisionProtocol.Command.class);
    client = testKit.createTestProbe(Reply.class);
    name = "settings-" + names.incrementAndGet();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void theClientIsAnsweredOnlyAfterTheRevisionLogAnnouncedTheChange() {
    ActorRef<ObjectEntity.Command> entity = spawnEntity();
    entity.tell(new ObjectEntity.Create(configMap(), false, client.ref()));

    Announce announce = log.expectMessageClass(Announce.class);
    assertThat(announce.key()).isEqualTo("default/" + name);
    assertThat(announce.sequenceNr()).isEqualTo(1);
    assertThat(announce.watchType()).isEqualTo("ADDED");
    assertThat(announce.uid()).isNotEmpty().isEqualTo(Json.metaText(announce.object(), "uid"));
    assertThat(Json.metaText(announce.object(), "resourceVersion")).isEmpty();
    // Durable before it is announced.
    journal.expectNextPersistedClass(persistenceId(), ObjectEvent.Created.class);
    client.expectNoMessage(QUIET);

    announce.replyTo().tell(announced(announce, 101));
    Reply reply = client.receiveMessage();
    assertThat(reply.error()).isNull();
    assertThat(reply.finished()).isFalse();
    assertThat(Json.metaText(reply.object().object(), "resourceVersion")).isEqualTo("101");
    assertThat(Json.metaText(reply.object().object(), "uid")).isEqualTo(announce.uid());
  }

  @Test
  void commandsArrivingWhileAnAnnouncementIsOutstandingAreAnsweredAfterItInOrder() {
    ActorRef<ObjectEntity.Command> entity = spawnEntity();
    entity.tell(new ObjectEntity.Create(configMap(), false, client.ref()));
    Announce created = log.expectMessageClass(Announce.class);

    entity.tell(new ObjectEntity.Get(client.ref()));
    ObjectNode labelled = configMap();
    Json.meta(labelled).putObject("labels").put("tier", "front");
    entity.tell(new ObjectEntity.Update(labelled, null, false, client.ref()));
    entity.tell(new ObjectEntity.Get(client.ref()));
    // Nothing is decided, persisted or answered before the create is sequenced.
    log.expectNoMessage(QUIET);
    client.expectNoMessage(Duration.ZERO);

    created.replyTo().tell(announced(created, 101));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo("101"); // the create
    assertThat(revisionOf(client.receiveMessage())).isEqualTo("101"); // the first get

    Announce updated = log.expectMessageClass(Announce.class);
    assertThat(updated.sequenceNr()).isEqualTo(2);
    assertThat(updated.uid()).isEqualTo(created.uid());
    assertThat(updated.object().at("/metadata/labels/tier").asText()).isEqualTo("front");
    client.expectNoMessage(QUIET);

    updated.replyTo().tell(announced(updated, 102));
    Reply update = client.receiveMessage();
    assertThat(revisionOf(update)).isEqualTo("102");
    Reply get = client.receiveMessage();
    assertThat(revisionOf(get)).isEqualTo("102");
    assertThat(get.object().object().at("/metadata/labels/tier").asText()).isEqualTo("front");
  }

  @Test
  void anAnnouncementOfAnotherSequenceNumberDoesNotReleaseTheClient() {
    ActorRef<ObjectEntity.Command> entity = spawnEntity();
    entity.tell(new ObjectEntity.Create(configMap(), false, client.ref()));
    Announce announce = log.expectMessageClass(Announce.class);

    announce
        .replyTo()
        .tell(
            new Announced(
                announce.key(), announce.sequenceNr() + 7, published(announce.object(), 99)));
    client.expectNoMessage(QUIET);
    announce.replyTo().tell(announced(announce, 101));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo("101");
  }

  @Test
  void aRejectedRequestIsAnsweredAtOnceAndAnnouncesNothing() {
    ActorRef<ObjectEntity.Command> entity = createAt(101);

    ObjectNode stale = configMap();
    Json.meta(stale).put("resourceVersion", "100");
    Json.meta(stale).putObject("labels").put("tier", "front");
    entity.tell(new ObjectEntity.Update(stale, null, false, client.ref()));
    Reply reply = client.receiveMessage();
    assertThat(reply.error().code()).isEqualTo(409);
    assertThat(reply.error().reason()).isEqualTo("Conflict");

    entity.tell(new ObjectEntity.Update(configMap(), null, false, client.ref()));
    Reply unchanged = client.receiveMessage();
    assertThat(unchanged.error()).isNull();
    assertThat(revisionOf(unchanged)).isEqualTo("101");
    log.expectNoMessage(QUIET);
    journal.expectNothingPersisted(persistenceId());
  }

  @Test
  void aDryRunPersistsAndAnnouncesNothing() {
    ActorRef<ObjectEntity.Command> entity = spawnEntity();
    entity.tell(new ObjectEntity.Create(configMap(), true, client.ref()));
    Reply preview = client.receiveMessage();
    assertThat(preview.error()).isNull();
    assertThat(Json.metaText(preview.object().object(), "uid")).isNotEmpty();
    assertThat(Json.metaText(preview.object().object(), "resourceVersion")).isEmpty();
    log.expectNoMessage(QUIET);
    journal.expectNothingPersisted(persistenceId());

    entity.tell(new ObjectEntity.Get(client.ref()));
    assertThat(client.receiveMessage().error().code()).isEqualTo(404);
  }

  @Test
  void aDryRunDeleteLeavesTheObjectInPlace() {
    ActorRef<ObjectEntity.Command> entity = createAt(101);

    entity.tell(
        new ObjectEntity.Delete(new DeleteOptions(null, null, null, null, true), client.ref()));
    Reply preview = client.receiveMessage();
    assertThat(preview.error()).isNull();
    assertThat(preview.finished()).isTrue();
    log.expectNoMessage(QUIET);
    journal.expectNothingPersisted(persistenceId());

    entity.tell(new ObjectEntity.Get(client.ref()));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo("101");
  }

  @Test
  void aDeleteIsAnnouncedAsDeletedAndTheReplySaysTheObjectIsGone() {
    ActorRef<ObjectEntity.Command> entity = createAt(101);

    entity.tell(new ObjectEntity.Delete(DeleteOptions.DEFAULT, client.ref()));
    Announce deleted = log.expectMessageClass(Announce.class);
    assertThat(deleted.watchType()).isEqualTo("DELETED");
    assertThat(deleted.sequenceNr()).isEqualTo(2);
    journal.expectNextPersistedClass(persistenceId(), ObjectEvent.Deleted.class);
    deleted.replyTo().tell(announced(deleted, 102));
    Reply reply = client.receiveMessage();
    assertThat(reply.finished()).isTrue();
    assertThat(revisionOf(reply)).isEqualTo("102");

    entity.tell(new ObjectEntity.Get(client.ref()));
    assertThat(client.receiveMessage().error().code()).isEqualTo(404);
  }

  @Test
  void aRestartedEntityReannouncesItsStateAndWaitsForTheRevision() {
    ActorRef<ObjectEntity.Command> entity = createAt(101);
    ObjectNode labelled = configMap();
    Json.meta(labelled).putObject("labels").put("tier", "front");
    entity.tell(new ObjectEntity.Update(labelled, null, false, client.ref()));
    Announce before = log.expectMessageClass(Announce.class);
    before.replyTo().tell(announced(before, 102));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo("102");
    journal.expectNextPersistedClass(persistenceId(), ObjectEvent.MetadataPatched.class);

    testKit.stop(entity);
    ActorRef<ObjectEntity.Command> restarted = spawnEntity();
    Announce again = log.expectMessageClass(Announce.class);
    assertThat(again.key()).isEqualTo(before.key());
    assertThat(again.uid()).isEqualTo(before.uid());
    assertThat(again.sequenceNr()).isEqualTo(before.sequenceNr());
    assertThat(again.object()).isEqualTo(before.object());

    // Requests wait for the revision the (possibly restarted) log knows the object by.
    restarted.tell(new ObjectEntity.Get(client.ref()));
    client.expectNoMessage(QUIET);
    again.replyTo().tell(announced(again, (2L << 40) + 5));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo(Long.toString((2L << 40) + 5));
    journal.expectNothingPersisted(persistenceId());
  }

  /**
   * A crash between persisting a deletion and announcing it must not leave the object in the
   * revision log (and so in every list and watch) forever: on recovery the entity announces its
   * last change again, and the log is idempotent on (uid, sequenceNr).
   */
  @Test
  void aRestartedEntityReannouncesADeletionTheLogNeverAcknowledged() {
    ActorRef<ObjectEntity.Command> entity = createAt(101);
    entity.tell(new ObjectEntity.Delete(DeleteOptions.DEFAULT, client.ref()));
    Announce deleted = log.expectMessageClass(Announce.class);
    assertThat(deleted.watchType()).isEqualTo("DELETED");

    testKit.stop(entity); // the log never answered
    spawnEntity();
    Announce again = log.expectMessageClass(Announce.class, Duration.ofSeconds(2));
    assertThat(again.watchType()).isEqualTo("DELETED");
    assertThat(again.uid()).isEqualTo(deleted.uid());
    assertThat(again.sequenceNr()).isEqualTo(deleted.sequenceNr());
  }

  // ---------------------------------------------------------------- helpers

  private ActorRef<ObjectEntity.Command> spawnEntity() {
    EntityWiring wiring =
        new EntityWiring(
            ResourceStrategies.of(TYPE),
            log.ref(),
            Optional.empty(),
            published -> {},
            Duration.ofHours(1),
            CLOCK);
    return testKit.spawn(ObjectEntity.create(TYPE, "default/" + name, wiring));
  }

  /** An entity whose object was created and published at {@code revision}. */
  private ActorRef<ObjectEntity.Command> createAt(long revision) {
    ActorRef<ObjectEntity.Command> entity = spawnEntity();
    entity.tell(new ObjectEntity.Create(configMap(), false, client.ref()));
    Announce announce = log.expectMessageClass(Announce.class);
    announce.replyTo().tell(announced(announce, revision));
    assertThat(revisionOf(client.receiveMessage())).isEqualTo(Long.toString(revision));
    journal.expectNextPersistedClass(persistenceId(), ObjectEvent.Created.class);
    return entity;
  }

  private String persistenceId() {
    return TYPE.entityTypeName() + "|default/" + name;
  }

  private ObjectNode configMap() {
    return Json.parseObject(
        ("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'"
                + name
                + "','namespace':'default'},'data':{'k':'v'}}")
            .replace('\'', '"')
            .getBytes(StandardCharsets.UTF_8));
  }

  private static Announced announced(Announce announce, long revision) {
    return new Announced(
        announce.key(), announce.sequenceNr(), published(announce.object(), revision));
  }

  private static StoredObject published(ObjectNode object, long revision) {
    ObjectNode copy = object.deepCopy();
    Json.meta(copy).put("resourceVersion", Long.toString(revision));
    return StoredObject.of(copy, revision);
  }

  private static String revisionOf(Reply reply) {
    assertThat(reply.error()).as("error").isNull();
    return Json.metaText(reply.object().object(), "resourceVersion");
  }
}
