package io.akkube.cluster.cassandra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code akkube cassandra start|stop|status}: the local Cassandra for development and tests. */
@Command(
    name = "cassandra",
    mixinStandardHelpOptions = true,
    description =
        "A local Apache Cassandra "
            + CassandraClasspath.VERSION
            + " (its own JVM, jars from Maven Central) for --journal cassandra.",
    subcommands = {
      CassandraCommand.Start.class,
      CassandraCommand.Stop.class,
      CassandraCommand.Status.class
    })
public final class CassandraCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new picocli.CommandLine(this).usage(System.out);
    return 0;
  }

  /** Options every subcommand takes: which local Cassandra. */
  static final class Where {
    @Option(
        names = "--data-dir",
        description =
            "Data, commit log, hints, caches, logs and pid file (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(".akkube-cassandra");

    @Option(names = "--cql-port", description = "CQL port (default: ${DEFAULT-VALUE}).")
    int cqlPort = 9042;

    @Option(
        names = "--storage-port",
        description = "Inter-node port, loopback only (default: ${DEFAULT-VALUE}).")
    int storagePort = 7000;

    LocalCassandra cassandra() {
      return new LocalCassandra(dataDir, cqlPort, storagePort);
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start Cassandra on 127.0.0.1 and wait until CQL answers.")
  static final class Start implements Callable<Integer> {
    @Mixin Where where;

    @Option(
        names = "--timeout",
        description = "How long to wait for CQL, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 180;

    @Override
    public Integer call() throws Exception {
      LocalCassandra cassandra = where.cassandra();
      long pid = cassandra.start(Duration.ofSeconds(timeoutSeconds));
      System.out.println(
          "cassandra "
              + cassandra.status().releaseVersion().orElse("?")
              + " running on "
              + cassandra.contactPoint()
              + " (pid "
              + pid
              + ", data "
              + cassandra.dataDir()
              + ")");
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop Cassandra: SIGTERM, then SIGKILL if it has not exited in time.")
  static final class Stop implements Callable<Integer> {
    @Mixin Where where;

    @Option(
        names = "--grace",
        description = "Seconds to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    int graceSeconds = 60;

    @Override
    public Integer call() throws Exception {
      boolean stopped = where.cassandra().stop(Duration.ofSeconds(graceSeconds));
      System.out.println(stopped ? "cassandra stopped" : "cassandra was not running");
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Print running (with pid and version) or stopped; exit code 3 when stopped.")
  static final class Status implements Callable<Integer> {
    @Mixin Where where;

    @Override
    public Integer call() {
      LocalCassandra cassandra = where.cassandra();
      LocalCassandra.Status status = cassandra.status();
      if (!status.running()) {
        System.out.println("stopped");
        return 3;
      }
      System.out.println(
          "running (pid "
              + status.pid().orElseThrow()
              + ", version "
              + status.releaseVersion().orElse("unknown: CQL not answering yet")
              + ", "
              + cassandra.contactPoint()
              + ")");
      return 0;
    }
  }
}
