package io.akkube.cluster.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Apache Cassandra on loopback in a JVM of its own, with all its state (data, commit
 * log, hints, caches, logs, the pid file) under one data directory. Started from Maven Central jars
 * ({@link CassandraClasspath}) with the JDK 17 flags of RECIPES.md.
 */
public final class LocalCassandra {

  static final String HOST = "127.0.0.1";
  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  private final Path dataDir;
  private final int cqlPort;
  private final int storagePort;

  public LocalCassandra(Path dataDir, int cqlPort, int storagePort) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.cqlPort = cqlPort;
    this.storagePort = storagePort;
  }

  /** What {@link #status} found. */
  public record Status(Optional<Long> pid, Optional<String> releaseVersion) {
    public boolean running() {
      return pid.isPresent();
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  public String contactPoint() {
    return HOST + ":" + cqlPort;
  }

  Path pidFile() {
    return dataDir.resolve("cassandra.pid");
  }

  Path outputFile() {
    return dataDir.resolve("cassandra.out");
  }

  /**
   * Starts Cassandra unless it already runs from this data directory, and waits until CQL answers.
   *
   * @return the pid of the Cassandra JVM
   */
  public long start(Duration timeout) throws IOException, InterruptedException {
    Optional<ProcessHandle> running = ownProcess();
    if (running.isPresent()) {
      awaitCql(running.get(), timeout);
      return running.get().pid();
    }
    if (portOpen()) {
      throw new IOException(
          contactPoint()
              + " is already in use by another process (not a Cassandra of "
              + dataDir
              + "): stop it or choose --cql-port");
    }
    for (String dir : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs")) {
      Files.createDirectories(dataDir.resolve(dir));
    }
    Path yaml = dataDir.resolve("cassandra.yaml");
    Files.writeString(
        yaml,
        resource("cassandra.yaml")
            .replace("${DATA_DIR}", dataDir.toString())
            .replace("${CQL_PORT}", Integer.toString(cqlPort))
            .replace("${STORAGE_PORT}", Integer.toString(storagePort)));
    Path logback = dataDir.resolve("logback.xml");
    Files.writeString(logback, resource("cassandra-logback.xml"));
    String classpath = CassandraClasspath.resolve(CassandraClasspath.cacheDirectory(dataDir));

    List<String> command = new ArrayList<>();
    // setsid: Cassandra gets its own session, so a Ctrl-C meant for the caller does not reach it.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xms256m",
            "-Xmx1g",
            "-Xss512k",
            "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports",
            "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports",
            "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports",
            "java.sql/java.sql=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens",
            "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.io=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.nio=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.net=ALL-UNNAMED",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.net.preferIPv4Stack=true",
            "-Dcassandra.config=" + yaml.toUri(),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.storagedir=" + dataDir,
            "-Dcassandra.logdir=" + dataDir.resolve("logs"),
            "-Dlogback.configurationFile=" + logback,
            // one node: no need to wait for a ring to settle
            "-Dcassandra.ring_delay_ms=1000",
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-cp",
            classpath,
            MAIN_CLASS));
    Process process =
        new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    Files.writeString(pidFile(), process.pid() + "\n");
    try {
      awaitCql(process.toHandle(), timeout);
    } catch (IOException | RuntimeException e) {
      stop(Duration.ofSeconds(20));
      throw e;
    }
    return process.pid();
  }

  /**
   * Stops the Cassandra of this data directory: SIGTERM, up to {@code grace} for it to exit, then
   * SIGKILL. Never signals a process that is not a Cassandra started from this directory.
   *
   * @return whether a running Cassandra was stopped
   */
  public boolean stop(Duration grace) throws IOException, InterruptedException {
    Optional<ProcessHandle> running = ownProcess();
    if (running.isEmpty()) {
      Files.deleteIfExists(pidFile());
      return false;
    }
    ProcessHandle process = running.get();
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      try {
        process.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException
          | java.util.concurrent.TimeoutException ignored) {
        throw new IOException("Cassandra (pid " + process.pid() + ") survived SIGKILL");
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
    Files.deleteIfExists(pidFile());
    return true;
  }

  /** Whether this data directory's Cassandra runs, and the version CQL reports if it answers. */
  public Status status() {
    Optional<ProcessHandle> running = ownProcess();
    if (running.isEmpty()) {
      return new Status(Optional.empty(), Optional.empty());
    }
    Optional<String> version;
    try {
      version = portOpen() ? Optional.of(releaseVersion()) : Optional.empty();
    } catch (RuntimeException e) {
      version = Optional.empty();
    }
    return new Status(Optional.of(running.get().pid()), version);
  }

  /** The pid file's process, if it is alive and is a Cassandra started from this directory. */
  Optional<ProcessHandle> ownProcess() {
    long pid;
    try {
      if (!Files.exists(pidFile())) {
        return Optional.empty();
      }
      pid = Long.parseLong(Files.readString(pidFile()).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p -> {
              String commandLine = commandLine(p);
              return commandLine.contains(MAIN_CLASS)
                  && commandLine.contains("-Dcassandra.storagedir=" + dataDir);
            });
  }

  /**
   * The full command line: /proc on Linux (ProcessHandle.Info gives no arguments for a command line
   * as long as Cassandra's 100-jar classpath).
   */
  private static String commandLine(ProcessHandle process) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return process.info().commandLine().orElse("");
    }
  }

  private void awaitCql(ProcessHandle process, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "Cassandra exited during start; last lines of " + outputFile() + ":\n" + outputTail());
      }
      if (portOpen()) {
        try {
          releaseVersion();
          return;
        } catch (RuntimeException e) {
          // listening but not answering queries yet
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "CQL on "
                + contactPoint()
                + " did not answer within "
                + timeout.toSeconds()
                + " s; last lines of "
                + outputFile()
                + ":\n"
                + outputTail());
      }
      Thread.sleep(500);
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, cqlPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code SELECT release_version FROM system.local} through the DataStax driver. */
  String releaseVersion() {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(HOST, cqlPort))
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(config)
            .build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      if (row == null) {
        throw new IllegalStateException("system.local is empty");
      }
      return row.getString("release_version");
    }
  }

  private String outputTail() {
    try {
      List<String> lines = Files.readAllLines(outputFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String resource(String name) {
    try (InputStream in = LocalCassandra.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath (akkube-conf)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
