package io.akkube.persistence;

import akka.actor.ActorSystem;
import akka.persistence.cassandra.KeyspaceAndTableStatements;
import akka.persistence.cassandra.PluginSettings;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Cassandra schema of the cluster journal: the plugin's keyspaces and tables (journal, tag
 * views, metadata, snapshots) plus {@code akkube_metadata}, which keeps the tag queries' first time
 * bucket. That bucket is fixed once, when the keyspace is created, and read by every member on
 * start: a value computed per start would hide older events from the rebuild scan, and the plugin's
 * default (November 2015) makes every scan walk a decade of empty hourly buckets.
 */
public final class CassandraSchema {

  private static final DateTimeFormatter BUCKET =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm").withZone(ZoneOffset.UTC);
  private static final String FIRST_TIME_BUCKET = "events-by-tag.first-time-bucket";
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private CassandraSchema() {}

  /**
   * The {@code migrate} step: creates keyspaces and tables that do not exist yet (idempotent) and
   * fixes the first time bucket (one hour before now, so a clock slightly behind another member's
   * still writes into a scanned bucket).
   *
   * @return the first time bucket, as stored (an earlier migration's value wins)
   */
  public static String migrate(CassandraJournalSettings settings, Clock clock) {
    try (CqlSession session = session(settings)) {
      return migrate(session, settings, clock);
    }
  }

  private static String migrate(
      CqlSession session, CassandraJournalSettings settings, Clock clock) {
    for (String statement : pluginStatements(settings)) {
      session.execute(ddl(statement));
    }
    session.execute(
        ddl(
            "CREATE TABLE IF NOT EXISTS "
                + metadataTable(settings)
                + " (name text PRIMARY KEY, value text)"));
    String proposed =
        BUCKET.format(clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1)));
    return propose(session, settings, FIRST_TIME_BUCKET, proposed)
        .or(() -> read(session, settings, FIRST_TIME_BUCKET))
        .orElseThrow(() -> notMigrated(settings));
  }

  /**
   * Before an actor system starts on Cassandra: in development mode runs {@link #migrate};
   * otherwise checks that {@code migrate} ran. Returns the first time bucket for {@link
   * JournalSetup#cassandra}.
   */
  public static String prepare(CassandraJournalSettings settings, Clock clock) {
    try (CqlSession session = session(settings)) {
      Optional<String> migrated = read(session, settings, FIRST_TIME_BUCKET);
      if (migrated.isPresent()) {
        return migrated.get();
      }
      if (!settings.development()) {
        throw notMigrated(settings);
      }
      return migrate(session, settings, clock);
    }
  }

  /**
   * A value every member must share (e.g. the API's bearer token), kept in {@code akkube_metadata}:
   * the first member to propose one wins ({@code INSERT … IF NOT EXISTS}) and every member gets the
   * stored value. The keyspace must be migrated ({@link #prepare}).
   */
  public static String sharedValue(
      CassandraJournalSettings settings,
      String name,
      java.util.function.Supplier<String> proposal) {
    try (CqlSession session = session(settings)) {
      return read(session, settings, name)
          .or(() -> propose(session, settings, name, proposal.get()))
          .or(() -> read(session, settings, name))
          .orElseThrow(() -> notMigrated(settings));
    }
  }

  /**
   * Stores {@code name = proposed} unless a value is there ({@code IF NOT EXISTS}, so the first
   * proposal wins); the value that is stored now, or empty when the answer did not carry it.
   */
  private static Optional<String> propose(
      CqlSession session, CassandraJournalSettings settings, String name, String proposed) {
    ResultSet inserted =
        session.execute(
            SimpleStatement.newInstance(
                    "INSERT INTO "
                        + metadataTable(settings)
                        + " (name, value) VALUES (?, ?) IF NOT EXISTS",
                    name,
                    proposed)
                .setConsistencyLevel(level(settings.writeConsistency())));
    if (inserted.wasApplied()) {
      return Optional.of(proposed);
    }
    return Optional.ofNullable(inserted.one()).map(r -> r.getString("value"));
  }

  /** A driver session of our own (outside any actor system) on the settings' contact points. */
  public static CqlSession session(CassandraJournalSettings settings) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, DDL_TIMEOUT)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, DDL_TIMEOUT)
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            // statements only: no need to download the schema and token map on connect
            .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
            .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
            .build();
    return CqlSession.builder()
        .addContactPoints(settings.socketAddresses())
        .withLocalDatacenter(settings.localDatacenter())
        .withConfigLoader(config)
        .build();
  }

  private static Optional<String> read(
      CqlSession session, CassandraJournalSettings settings, String name) {
    Row row;
    try {
      row =
          session
              .execute(
                  SimpleStatement.newInstance(
                          "SELECT value FROM " + metadataTable(settings) + " WHERE name = ?", name)
                      .setConsistencyLevel(level(settings.readConsistency())))
              .one();
    } catch (InvalidQueryException e) {
      row = null; // keyspace or table missing
    }
    return Optional.ofNullable(row).map(r -> r.getString("value"));
  }

  private static IllegalStateException notMigrated(CassandraJournalSettings settings) {
    return new IllegalStateException(
        "keyspace "
            + settings.keyspace()
            + " has no akkube schema: run `akkube migrate --journal cassandra"
            + " --cassandra-contact-points "
            + String.join(",", settings.contactPoints())
            + "` first (or start with --dev true)");
  }

  /** The plugin's own CREATE statements for our keyspaces, replication and table names. */
  private static List<String> pluginStatements(CassandraJournalSettings settings) {
    ActorSystem system =
        ActorSystem.create(
            "akkube-migrate",
            JournalSetup.cassandra(settings, "20000101T00:00")
                .withFallback(
                    ConfigFactory.parseString(
                        "akka.actor.provider = local\n"
                            + "akka.loglevel = WARNING\n"
                            + "akka.stdout-loglevel = OFF\n"
                            + "akka.log-dead-letters = off"))
                .withFallback(ConfigFactory.load()));
    try {
      KeyspaceAndTableStatements plugin =
          new KeyspaceAndTableStatements(
              system, PluginSettings.DefaultConfigPath(), PluginSettings.apply(system));
      List<String> statements = new ArrayList<>();
      statements.add(plugin.createJournalKeyspaceStatement());
      statements.addAll(plugin.getCreateJournalTablesStatements());
      statements.add(plugin.createSnapshotKeyspaceStatement());
      statements.addAll(plugin.getCreateSnapshotTablesStatements());
      return statements;
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // only a helper system: never block the caller on its shutdown
      }
    }
  }

  private static SimpleStatement ddl(String cql) {
    return SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT);
  }

  private static String metadataTable(CassandraJournalSettings settings) {
    return settings.keyspace() + ".akkube_metadata";
  }

  private static ConsistencyLevel level(String name) {
    return DefaultConsistencyLevel.valueOf(name);
  }
}
