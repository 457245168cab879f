package io.akkube.cluster.cassandra;

import io.akkube.persistence.CassandraJournalSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** The Cassandra journal's command-line options, shared by {@code up} and {@code migrate}. */
public final class CassandraJournalOptions {

  @Option(
      names = "--cassandra-contact-points",
      split = ",",
      description = "Cassandra nodes, host:port, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> contactPoints = List.of("127.0.0.1:9042");

  @Option(
      names = "--cassandra-keyspace",
      description =
          "Journal keyspace; snapshots go to <keyspace>_snapshot (default: ${DEFAULT-VALUE}).")
  String keyspace = "akkube";

  @Option(
      names = "--cassandra-replication-factor",
      description = "Copies of every row (production: 3) (default: ${DEFAULT-VALUE}).")
  int replicationFactor = 1;

  @Option(
      names = "--cassandra-read-consistency",
      description = "Consistency level of reads (default: ${DEFAULT-VALUE}).")
  String readConsistency = "QUORUM";

  @Option(
      names = "--cassandra-write-consistency",
      description = "Consistency level of writes (default: ${DEFAULT-VALUE}).")
  String writeConsistency = "QUORUM";

  @Option(
      names = "--cassandra-local-datacenter",
      description = "The driver's local data center (default: ${DEFAULT-VALUE}).")
  String localDatacenter = "datacenter1";

  @Option(
      names = "--dev",
      arity = "1",
      description =
          "Development mode: create keyspaces and tables on start; false in production, where"
              + " `akkube migrate` creates them (default: ${DEFAULT-VALUE}).")
  boolean development = true;

  public CassandraJournalSettings settings() {
    return new CassandraJournalSettings(
        contactPoints,
        keyspace,
        replicationFactor,
        readConsistency,
        writeConsistency,
        development,
        localDatacenter);
  }
}
