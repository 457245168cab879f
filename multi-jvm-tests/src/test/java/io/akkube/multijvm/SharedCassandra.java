package io.akkube.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local Cassandra ({@code ./akkube cassandra start}, from Maven jars) for every cluster of
 * every test class in this test JVM, each cluster in a keyspace of its own: starting Cassandra is
 * the slowest part of a cluster's set-up. Kept in JUnit's root store, so it is stopped ({@code
 * ./akkube cassandra stop}) after the last test class; a shutdown hook stops it if the JVM exits
 * first.
 */
final class SharedCassandra implements ExtensionContext.Store.CloseableResource {

  private final Path dir;
  private final Path repoRoot;
  private final Path build;
  private final int cqlPort;
  private final int storagePort;
  private final Thread shutdownHook = new Thread(this::stop, "shared-cassandra-stop");
  private boolean running;

  private SharedCassandra() throws IOException {
    this.dir = Files.createTempDirectory("akkube-multi-jvm-cassandra-");
    this.repoRoot = Path.of(System.getProperty("akkube.repoRoot", "..")).toAbsolutePath();
    this.build = AkkubeCluster.clusterBuildDirectory();
    this.cqlPort = AkkubeCluster.freePort();
    this.storagePort = AkkubeCluster.freePort();
  }

  /** The test JVM's Cassandra, started on first use. */
  static SharedCassandra of(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedCassandra.class, key -> start(), SharedCassandra.class);
  }

  private static SharedCassandra start() {
    try {
      SharedCassandra c = new SharedCassandra();
      Runtime.getRuntime().addShutdownHook(c.shutdownHook);
      c.running = true;
      String out = c.script(Duration.ofMinutes(6), "start", "--timeout", "300");
      System.out.println("shared Cassandra on 127.0.0.1:" + c.cqlPort + "\n" + out);
      return c;
    } catch (Exception e) {
      throw new IllegalStateException("cassandra start failed", e);
    }
  }

  /** CQL contact point, host:port. */
  String contactPoint() {
    return "127.0.0.1:" + cqlPort;
  }

  /** Copies Cassandra's logs to {@code target}. */
  void collectLogs(Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        Files.copy(
            f, target.resolve("cassandra-" + f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      script(Duration.ofMinutes(1), "stop");
    } catch (Exception e) {
      System.err.println("cassandra stop: " + e);
    }
  }

  /** {@code ./akkube cassandra <args>} on this instance's data directory and ports. */
  private String script(Duration timeout, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(repoRoot.resolve("akkube").toString(), "cassandra"));
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "--data-dir",
            dir.resolve("data").toString(),
            "--cql-port",
            Integer.toString(cqlPort),
            "--storage-port",
            Integer.toString(storagePort)));
    ProcessBuilder b = new ProcessBuilder(command).directory(repoRoot.toFile());
    b.environment().put("AKKUBE_BUILD_DIR", build.toString());
    b.environment().put("AKKUBE_SKIP_BUILD", "1");
    Path out = Files.createTempFile(dir, "script", ".out");
    b.redirectOutput(out.toFile()).redirectErrorStream(true);
    Process p = b.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + timeout);
    }
    String output = Files.readString(out);
    if (p.exitValue() != 0) {
      throw new AssertionError(command + " → exit " + p.exitValue() + "\n" + output);
    }
    return output;
  }
}
