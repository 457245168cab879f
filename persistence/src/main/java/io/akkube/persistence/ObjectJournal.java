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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries over the object journal: a kind's events (for its revision log's rebuild) and one
 * object's history. Reads whichever journal the actor system writes to: H2 (JDBC) or Cassandra.
 */
public final class ObjectJournal {

  private static final Logger log = LoggerFactory.getLogger(ObjectJournal.class);
  private static final Duration SHARED_SCAN = Duration.ofSeconds(5);

  /** How long a rebuild waits for all_persistence_ids once its tag scan has ended. */
  private static final Duration RECONCILE_WAIT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final CurrentEventsByTagQuery byTag;
  private final CurrentEventsByPersistenceIdQuery byPersistenceId;
  private final CassandraReadJournal cassandra;

  /** The latest scan of all_persistence_ids, shared by the revision logs that rebuild together. */
  private long persistenceIdsScanStarted;

  private CompletionStage<List<String>> persistenceIdsScan;

  /** The H2 (JDBC) journal's events of a kind by persistence id; null on Cassandra. */
  private final JdbcKindEvents jdbcKindEvents;

  public ObjectJournal(ActorSystem<?> system) {
    this.system = system;
    PersistenceQuery query = PersistenceQuery.get(system);
    if (JournalSetup.usesCassandra(system.settings().config())) {
      this.cassandra =
          query.getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
      this.byTag = cassandra;
      this.byPersistenceId = cassandra;
      this.jdbcKindEvents = null;
    } else {
      JdbcReadJournal jdbc =
          query.getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      this.cassandra = null;
      this.byTag = jdbc;
      this.byPersistenceId = jdbc;
      this.jdbcKindEvents = new JdbcKindEvents(system);
    }
  }

  /**
   * Every event of a kind stored before this was asked, each object's in order: what its revision
   * log rebuilds from. On H2 the kind's events are read by persistence-id range (by key); on
   * Cassandra the current tag query itself waits out its eventual-consistency delay before it
   * completes, so it includes every event written before it started.
   */
  public Source<EventEnvelope, NotUsed> currentEventsOf(ResourceType type) {
    if (jdbcKindEvents != null) {
      return Source.completionStage(jdbcKindEvents.eventsOf(type.entityTypeName()))
          .mapConcat(events -> events);
    }
    return currentEventsOnCassandra(type);
  }

  /**
   * The kind's tag scan, then the events of the kind's persistence ids that the scan did not show
   * at all. The plugin acknowledges a write only after its tag rows are written, but an object
   * whose first event reached the messages table and not the tag table (its member died between the
   * two writes: a create nobody was told of) would otherwise stay unlisted until its entity
   * recovers. all_persistence_ids is written before an id's first event (docs/decisions/0010).
   */
  private Source<EventEnvelope, NotUsed> currentEventsOnCassandra(ResourceType type) {
    String prefix = type.entityTypeName() + "|";
    Set<String> tagged = ConcurrentHashMap.newKeySet();
    // Started now, alongside the tag scan (which takes at least the consistency delay).
    CompletionStage<List<String>> ids = persistenceIds();
    Source<EventEnvelope, NotUsed> byTagScan =
        cassandra
            .currentEventsByTag(ObjectEntity.tagOf(type), NoOffset.getInstance())
            .map(
                env -> {
                  tagged.add(env.persistenceId());
                  return env;
                });
    Source<EventEnvelope, NotUsed> untagged =
        Source.lazySource(
                () ->
                    Source.completionStage(
                        // bounded: with millions of ids a fail-over would wait for them
                        ids.toCompletableFuture()
                            .thenApply(Optional::of)
                            .exceptionally(failure -> Optional.empty())
                            .completeOnTimeout(
                                Optional.empty(),
                                RECONCILE_WAIT.toMillis(),
                                java.util.concurrent.TimeUnit.MILLISECONDS)))
            .mapMaterializedValue(ignored -> NotUsed.notUsed())
            .mapConcat(
                scanned -> {
                  if (scanned.isEmpty()) {
                    log.warn(
                        "rebuild of {}: all_persistence_ids not read (within {} s of the tag scan);"
                            + " an object whose member died between writing its first event and"
                            + " its tag rows shows only once it is read or written",
                        type.plural(),
                        RECONCILE_WAIT.toSeconds());
                    return List.<String>of();
                  }
                  List<String> missing =
                      scanned.get().stream()
                          .filter(id -> id.startsWith(prefix) && !tagged.contains(id))
                          .toList();
                  if (!missing.isEmpty()) {
                    log.info(
                        "rebuild of {}: {} persistence ids without tagged events, read from their"
                            + " own events: {}",
                        type.plural(),
                        missing.size(),
                        missing.size() <= 10 ? missing : missing.subList(0, 10) + "…");
                  }
                  return missing;
                })
            .flatMapMerge(8, id -> cassandra.currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE));
    // concatLazy: the second part must not be pulled (and filtered) before the scan has ended
    return byTagScan.concatLazy(untagged);
  }

  /**
   * Every persistence id in the journal. The revision logs that start together (a fail-over moves
   * them all) share one scan: a scan started a few seconds ago serves them too, as everything a
   * member that died before it wrote is in it.
   */
  private synchronized CompletionStage<List<String>> persistenceIds() {
    long now = System.nanoTime();
    if (persistenceIdsScan == null || now - persistenceIdsScanStarted > SHARED_SCAN.toNanos()) {
      persistenceIdsScanStarted = now;
      long started = now;
      persistenceIdsScan =
          cassandra
              .currentPersistenceIds()
              .runWith(Sink.seq(), system)
              .thenApply(
                  ids -> {
                    log.info(
                        "all_persistence_ids: {} ids read in {} ms",
                        ids.size(),
                        (System.nanoTime() - started) / 1_000_000);
                    return ids;
                  });
      // Not kept beyond the fail-over that asked for it: it holds every id ever written.
      CompletionStage<List<String>> scan = persistenceIdsScan;
      system
          .scheduler()
          .scheduleOnce(SHARED_SCAN.multipliedBy(6), () -> forget(scan), system.executionContext());
    }
    return persistenceIdsScan;
  }

  private synchronized void forget(CompletionStage<List<String>> scan) {
    if (persistenceIdsScan == scan) {
      persistenceIdsScan = null;
    }
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
