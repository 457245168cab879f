package io.akkube.cluster.cassandra;

import io.akkube.persistence.CassandraSchema;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code akkube migrate --journal cassandra}: creates the journal's keyspaces and tables. Run once
 * before the first {@code up --dev false}; safe to run again (every statement is IF NOT EXISTS).
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Create the journal's keyspaces and tables (idempotent).")
public final class MigrateCommand implements Callable<Integer> {

  @Option(
      names = "--journal",
      description = "h2 or cassandra (default: ${DEFAULT-VALUE}).",
      defaultValue = "cassandra")
  String journal;

  @Mixin CassandraJournalOptions cassandra;

  @Override
  public Integer call() {
    switch (journal) {
      case "h2" -> {
        System.out.println("nothing to do: the embedded H2 journal creates its tables on start");
        return 0;
      }
      case "cassandra" -> {
        var settings = cassandra.settings();
        String bucket = CassandraSchema.migrate(settings, Clock.systemUTC());
        System.out.println(
            "keyspaces "
                + settings.keyspace()
                + " and "
                + settings.snapshotKeyspace()
                + " ready (replication factor "
                + settings.replicationFactor()
                + ", tag queries from "
                + bucket
                + " UTC)");
        return 0;
      }
      default -> {
        System.err.println("--journal: unsupported value \"" + journal + "\": h2 or cassandra");
        return 2;
      }
    }
  }
}
