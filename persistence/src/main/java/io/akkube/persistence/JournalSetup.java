package io.akkube.persistence;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which journal a process uses and how it is prepared. Embedded mode: akka-persistence-jdbc on an
 * H2 file database under the data directory, schema created on first start. Cluster mode:
 * akka-persistence-cassandra, schema created by {@link CassandraSchema} (the {@code migrate} step,
 * automatic in development mode).
 */
public final class JournalSetup {

  static final String CASSANDRA_JOURNAL = "akka.persistence.cassandra.journal";

  private JournalSetup() {}

  /**
   * Configuration for the embedded H2 journal in {@code dataDir}. WRITE_DELAY=0 makes H2 write
   * every commit to the file at once, so an acknowledged write survives kill -9 of the process.
   */
  public static Config h2(Path dataDir) {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("journal")
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0";
    return ConfigFactory.parseMap(
            Map.of("akka-persistence-jdbc.shared-databases.slick.db.url", url))
        .withFallback(ConfigFactory.parseResources("akkube-h2.conf"));
  }

  /**
   * Configuration for the Cassandra journal, snapshot store and read journal.
   *
   * @param firstTimeBucket where tag queries start ({@code yyyyMMdd'T'HH:mm}, UTC): the hour the
   *     keyspace was created, from {@link CassandraSchema#prepare}
   */
  public static Config cassandra(CassandraJournalSettings settings, String firstTimeBucket) {
    boolean autocreate = settings.development();
    Config values =
        ConfigFactory.empty()
            .withValue(
                "datastax-java-driver.basic.contact-points",
                ConfigValueFactory.fromIterable(settings.hostPorts()))
            .withValue(
                "datastax-java-driver.basic.load-balancing-policy.local-datacenter",
                ConfigValueFactory.fromAnyRef(settings.localDatacenter()))
            .withValue(
                "datastax-java-driver.profiles.akkube-read.basic.request.consistency",
                ConfigValueFactory.fromAnyRef(settings.readConsistency()))
            .withValue(
                "datastax-java-driver.profiles.akkube-write.basic.request.consistency",
                ConfigValueFactory.fromAnyRef(settings.writeConsistency()))
            .withValue(
                "akka.persistence.cassandra.events-by-tag.first-time-bucket",
                ConfigValueFactory.fromAnyRef(firstTimeBucket));
    for (String store : new String[] {"journal", "snapshot"}) {
      String path = "akka.persistence.cassandra." + store;
      String keyspace = store.equals("journal") ? settings.keyspace() : settings.snapshotKeyspace();
      values =
          values
              .withValue(path + ".keyspace", ConfigValueFactory.fromAnyRef(keyspace))
              .withValue(
                  path + ".replication-factor",
                  ConfigValueFactory.fromAnyRef(settings.replicationFactor()))
              .withValue(path + ".keyspace-autocreate", ConfigValueFactory.fromAnyRef(autocreate))
              .withValue(path + ".tables-autocreate", ConfigValueFactory.fromAnyRef(autocreate));
    }
    return values.withFallback(ConfigFactory.parseResources("akkube-cassandra.conf"));
  }

  /** Whether {@code config} writes events to Cassandra (otherwise to the embedded H2 database). */
  public static boolean usesCassandra(Config config) {
    return config.hasPath("akka.persistence.journal.plugin")
        && config.getString("akka.persistence.journal.plugin").equals(CASSANDRA_JOURNAL);
  }

  /**
   * Creates the journal, snapshot and tag tables if they do not exist (idempotent). For Cassandra
   * this already happened before the actor system started ({@link CassandraSchema#prepare}).
   */
  public static CompletionStage<Done> createSchema(ActorSystem<?> system) {
    if (usesCassandra(system.settings().config())) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return SchemaUtils.createIfNotExists(system);
  }
}
