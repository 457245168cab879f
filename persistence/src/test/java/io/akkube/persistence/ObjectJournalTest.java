package io.akkube.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.ObjectEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A kind's events as the revision log rebuilds from them, on the embedded H2 journal: the same
 * events as the kind's tag stream, each object's in order, and no other kind's (endpoints and
 * endpointslices share a prefix).
 */
class ObjectJournalTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("object-journal-test");
    testKit =
        ActorTestKit.create(
            "ObjectJournalTest",
            JournalSetup.h2(dir)
                .withFallback(ConfigFactory.parseResources("akkube.conf"))
                .withFallback(ConfigFactory.load())
                .resolve());
    JournalSetup.createSchema(testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Persists the given events as an object entity of {@code type} does, tagged with its kind. */
  private record Write(List<ObjectEvent> events, ActorRef<Done> replyTo) {}

  private static Behavior<Write> writer(ResourceType type, String entityId) {
    return new EventSourcedBehavior<Write, ObjectEvent, String>(
        PersistenceId.of(type.entityTypeName(), entityId)) {
      @Override
      public String emptyState() {
        return "";
      }

      @Override
      public Set<String> tagsFor(ObjectEvent event) {
        return Set.of(ObjectEntity.tagOf(type));
      }

      @Override
      public CommandHandler<Write, ObjectEvent, String> commandHandler() {
        return newCommandHandlerBuilder()
            .forAnyState()
            .onAnyCommand(
                (state, w) ->
                    Effect().persist(w.events()).thenReply(w.replyTo(), s -> Done.done()));
      }

      @Override
      public EventHandler<String, ObjectEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> state);
      }
    };
  }

  private static ObjectNode object(String namespace, String name, String uid) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    Json.meta(o).put("namespace", namespace).put("name", name).put("uid", uid);
    return o;
  }

  private static void write(ResourceType type, String entityId, ObjectEvent... events) {
    TestProbe<Done> done = testKit.createTestProbe();
    testKit.spawn(writer(type, entityId)).tell(new Write(List.of(events), done.getRef()));
    done.expectMessage(Duration.ofSeconds(30), Done.done());
  }

  private static List<EventEnvelope> collect(akka.stream.javadsl.Source<EventEnvelope, ?> source)
      throws Exception {
    return source
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void aKindsEventsAreItsTagStreamInOrderPerObject() throws Exception {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    write(
        ResourceTypes.ENDPOINTS,
        "ns/web",
        new ObjectEvent.Created(object("ns", "web", "u1"), at),
        new ObjectEvent.SpecReplaced(object("ns", "web", "u1"), at));
    write(
        ResourceTypes.ENDPOINT_SLICES,
        "ns/web-abc",
        new ObjectEvent.Created(object("ns", "web-abc", "u2"), at));
    write(
        ResourceTypes.ENDPOINTS,
        "ns/api",
        new ObjectEvent.Created(object("ns", "api", "u3"), at),
        new ObjectEvent.Deleted(object("ns", "api", "u3"), at),
        new ObjectEvent.Created(object("ns", "api", "u4"), at));

    ObjectJournal journal = new ObjectJournal(testKit.system());
    List<EventEnvelope> events = collect(journal.currentEventsOf(ResourceTypes.ENDPOINTS));
    List<EventEnvelope> tagged =
        collect(
            PersistenceQuery.get(testKit.system())
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
                .currentEventsByTag(
                    ObjectEntity.tagOf(ResourceTypes.ENDPOINTS), NoOffset.getInstance()));

    assertThat(events)
        .extracting(e -> e.persistenceId() + "#" + e.sequenceNr())
        .containsExactly(
            "endpoints|ns/api#1",
            "endpoints|ns/api#2",
            "endpoints|ns/api#3",
            "endpoints|ns/web#1",
            "endpoints|ns/web#2");
    assertThat(events)
        .extracting(
            e -> e.persistenceId() + "#" + e.sequenceNr() + " " + e.event() + " " + e.offset())
        .containsExactlyInAnyOrderElementsOf(
            tagged.stream()
                .map(
                    e ->
                        e.persistenceId()
                            + "#"
                            + e.sequenceNr()
                            + " "
                            + e.event()
                            + " "
                            + e.offset())
                .toList());
    assertThat(events.get(2).event()).isInstanceOf(ObjectEvent.Created.class);
    assertThat(Json.metaText(((ObjectEvent) events.get(2).event()).object(), "uid"))
        .isEqualTo("u4");
    assertThat(collect(journal.currentEventsOf(ResourceTypes.ENDPOINT_SLICES)))
        .extracting(EventEnvelope::persistenceId)
        .containsExactly(ResourceTypes.ENDPOINT_SLICES.entityTypeName() + "|ns/web-abc");
    assertThat(collect(journal.currentEventsOf(ResourceTypes.PODS))).isEmpty();
  }
}
