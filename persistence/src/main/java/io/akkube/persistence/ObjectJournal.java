package io.akkube.persistence;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkube.core.api.ResourceType;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.ObjectEvent;
import io.akkube.core.store.HistoryEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Queries over the object journal: a kind's events (for rebuilding) and one object's history. */
public final class ObjectJournal {

  private final ActorSystem<?> system;
  private final JdbcReadJournal readJournal;

  public ObjectJournal(ActorSystem<?> system) {
    this.system = system;
    this.readJournal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** Every event of a kind stored so far, in journal order. */
  public Source<EventEnvelope, NotUsed> currentEventsOf(ResourceType type) {
    return readJournal.currentEventsByTag(ObjectEntity.tagOf(type), NoOffset.getInstance());
  }

  /** Every recorded change of one object across all its incarnations, oldest first. */
  public CompletionStage<List<HistoryEntry>> history(ResourceType type, String entityId) {
    String persistenceId = type.entityTypeName() + "|" + entityId;
    return readJournal
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
