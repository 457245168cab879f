package io.akkube.persistence;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.ObjectEvent;
import io.akkube.core.store.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Queries over the object journal: a kind's events (for rebuilding) and one object's history. Reads
 * whichever journal the actor system writes to: H2 (JDBC) or Cassandra.
 */
public final class ObjectJournal {

  private final ActorSystem<?> system;
  private final CurrentEventsByTagQuery byTag;
  private final CurrentEventsByPersistenceIdQuery byPersistenceId;

  /**
   * How long a tag query waits before it starts. Cassandra's tag query stops short of the last
   * eventual-consistency-delay; waiting that long first makes it include every event written before
   * {@link #currentEventsOf} was called (e.g. by a member that was just killed).
   */
  private final Duration tagQueryDelay;

  /** The H2 (JDBC) journal's events of a kind by persistence id; null on Cassandra. */
  private final JdbcKindEvents jdbcKindEvents;

  public ObjectJournal(ActorSystem<?> system) {
    this.system = system;
    PersistenceQuery query = PersistenceQuery.get(system);
    if (JournalSetup.usesCassandra(system.settings().config())) {
      CassandraReadJournal cassandra =
          query.getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
      this.byTag = cassandra;
      this.byPersistenceId = cassandra;
      this.jdbcKindEvents = null;
      this.tagQueryDelay =
          system
              .settings()
              .config()
              .getDuration("akka.persistence.cassandra.events-by-tag.eventual-consistency-delay")
              .plusMillis(500);
    } else {
      JdbcReadJournal jdbc =
          query.getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      this.byTag = jdbc;
      this.byPersistenceId = jdbc;
      this.tagQueryDelay = Duration.ZERO;
      this.jdbcKindEvents = new JdbcKindEvents(system);
    }
  }

  /**
   * Every event of a kind stored so far, each object's in order (the order of the objects among
   * each other is the journal's on Cassandra, by key on H2).
   */
  public Source<EventEnvelope, NotUsed> currentEventsOf(ResourceType type) {
    if (jdbcKindEvents != null) {
      return Source.completionStage(jdbcKindEvents.eventsOf(type.entityTypeName()))
          .mapConcat(events -> events);
    }
    String tag = ObjectEntity.tagOf(type);
    if (tagQueryDelay.isZero()) {
      return byTag.currentEventsByTag(tag, NoOffset.getInstance());
    }
    return Source.single(tag)
        .initialDelay(tagQueryDelay)
        .flatMapConcat(t -> byTag.currentEventsByTag(t, NoOffset.getInstance()));
  }

  /** Every recorded change of one object across all its incarnations, oldest first. */
  public CompletionStage<List<HistoryEntry>> history(ResourceType type, String entityId) {
    String persistenceId = type.entityTypeName() + "|" + entityId;
    return byPersistenceId
        .currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .filter(env -> env.event() instanceof ObjectEvent)
        .map(
            env -> {
              ObjectEvent event = (ObjectEvent) env.event();
              Instant at = event.at() != null ? event.at() : Instant.ofEpochMilli(env.timestamp());
              return new HistoryEntry(
                  at,
                  event.getClass().getSimpleName(),
                  event.object().path("metadata").path("uid").asText(""),
                  env.sequenceNr(),
                  null,
                  event.object());
            })
        .runWith(Sink.seq(), system);
  }
}
