package io.akkube.cluster.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's cluster journal commands end to end: {@code ./akkube cassandra start}, {@code
 * ./akkube up --journal cassandra}, the real kubectl, kill -9 of akkube, restart, {@code ./akkube
 * cassandra stop}. Cassandra runs on free ports so a developer's own Cassandra on 9042 is never
 * touched; it is stopped whatever happens (only the pid this test started).
 */
class CassandraJournalIT {

  @TempDir static Path tmp;

  private static Path cassandraDir;
  private static int cqlPort;
  private static int storagePort;

  @BeforeAll
  static void startCassandra() {
    cassandraDir = tmp.resolve("cassandra");
    cqlPort = freePort();
    storagePort = freePort();
    Run start = akkube(Duration.ofMinutes(10), "cassandra", "start", "--timeout", "240");
    assertThat(start.exitCode()).as("%s", start).isZero();
    assertThat(start.stdout()).contains("cassandra 5.0.9 running on 127.0.0.1:" + cqlPort);
    Run status = akkube(Duration.ofMinutes(1), "cassandra", "status");
    assertThat(status.exitCode()).as("%s", status).isZero();
    assertThat(status.stdout()).startsWith("running").contains("version 5.0.9");
  }

  @AfterAll
  static void stopCassandra() throws Exception {
    if (cassandraDir == null) {
      return;
    }
    try {
      Run stop = akkube(Duration.ofMinutes(2), "cassandra", "stop");
      assertThat(stop.exitCode()).as("%s", stop).isZero();
      Run status = akkube(Duration.ofMinutes(1), "cassandra", "status");
      assertThat(status.stdout().trim()).as("%s", status).isEqualTo("stopped");
      assertThat(status.exitCode()).isEqualTo(3);
    } finally {
      // belt and braces: the pid file's process, only if it is this directory's Cassandra
      new LocalCassandra(cassandraDir, cqlPort, storagePort).stop(Duration.ofSeconds(30));
    }
  }

  @Test
  void objectsWrittenToCassandraSurviveKill9WithHigherResourceVersions() throws Exception {
    Path dataDir = tmp.resolve("akkube");
    int apiPort = freePort();
    List<String> up =
        List.of(
            "up",
            "--data-dir",
            dataDir.toString(),
            "--api-port",
            Integer.toString(apiPort),
            "--node-name",
            "cassandra-it",
            "--journal",
            "cassandra",
            "--cassandra-contact-points",
            "127.0.0.1:" + cqlPort);
    Process akkube = startUntilReady(up, dataDir);
    try {
      Kubectl kubectl = new Kubectl(dataDir.resolve("kubeconfig"), tmp);
      assertThat(kubectl.run("create", "namespace", "journal").exitCode()).isZero();
      for (int i = 0; i < 5; i++) {
        Run created =
            kubectl.run("-n", "journal", "create", "configmap", "cm-" + i, "--from-literal=i=" + i);
        assertThat(created.exitCode()).as("%s", created).isZero();
      }
      Map<String, Long> before = resourceVersions(kubectl);
      assertThat(before).containsKeys("cm-0", "cm-1", "cm-2", "cm-3", "cm-4");

      akkube.destroyForcibly(); // SIGKILL: no coordinated shutdown, no flushing
      assertThat(akkube.waitFor(30, TimeUnit.SECONDS)).isTrue();
      akkube = startUntilReady(up, dataDir);

      Run namespaces = kubectl.run("get", "namespace", "journal", "-o", "name");
      assertThat(namespaces.stdout().trim()).as("%s", namespaces).isEqualTo("namespace/journal");
      Map<String, Long> after = resourceVersions(kubectl);
      assertThat(after.keySet()).isEqualTo(before.keySet());
      for (var e : before.entrySet()) {
        assertThat(after.get(e.getKey()))
            .as("resourceVersion of %s after the restart", e.getKey())
            .isGreaterThan(e.getValue());
      }
      Run value =
          kubectl.run("-n", "journal", "get", "configmap", "cm-3", "-o", "jsonpath={.data.i}");
      assertThat(value.stdout()).isEqualTo("3");
    } finally {
      akkube.destroyForcibly();
      akkube.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void productionModeRefusesAnUnmigratedKeyspaceUntilMigrateCreatesIt() {
    String contactPoint = "127.0.0.1:" + cqlPort;
    Run unmigrated =
        Run.of(
            builder(
                List.of(
                    "up",
                    "--data-dir",
                    tmp.resolve("unmigrated").toString(),
                    "--api-port",
                    Integer.toString(freePort()),
                    "--journal",
                    "cassandra",
                    "--cassandra-contact-points",
                    contactPoint,
                    "--cassandra-keyspace",
                    "fresh",
                    "--dev",
                    "false")),
            Duration.ofMinutes(2));
    assertThat(unmigrated.exitCode()).as("%s", unmigrated).isNotZero();
    assertThat(unmigrated.stderr())
        .contains("keyspace fresh has no akkube schema: run `akkube migrate --journal cassandra");

    List<String> migrate =
        List.of(
            "migrate",
            "--journal",
            "cassandra",
            "--cassandra-contact-points",
            contactPoint,
            "--cassandra-keyspace",
            "fresh");
    Run first = Run.of(builder(migrate), Duration.ofMinutes(2));
    assertThat(first.exitCode()).as("%s", first).isZero();
    assertThat(first.stdout())
        .startsWith("keyspaces fresh and fresh_snapshot ready (replication factor 1");
  }

  private static Map<String, Long> resourceVersions(Kubectl kubectl) {
    Run list =
        kubectl.run(
            "-n",
            "journal",
            "get",
            "configmaps",
            "-o",
            "custom-columns=NAME:.metadata.name,RV:.metadata.resourceVersion",
            "--no-headers");
    assertThat(list.exitCode()).as("%s", list).isZero();
    Map<String, Long> versions = new HashMap<>();
    for (String line : list.stdout().split("\n")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length == 2 && columns[0].startsWith("cm-")) {
        versions.put(columns[0], Long.parseLong(columns[1]));
      }
    }
    return versions;
  }

  /** {@code ./akkube up …} in the background until it prints that it is ready. */
  private static Process startUntilReady(List<String> args, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path stdout = Files.createTempFile(tmp, "akkube-stdout", ".log");
    Path stderr = dataDir.resolveSibling("akkube-stderr.log");
    Process process =
        builder(args)
            .redirectOutput(stdout.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
    try {
      await(
          Duration.ofSeconds(150),
          () -> read(stdout).contains("akkube is ready") || !process.isAlive());
      assertThat(read(stdout))
          .as("akkube stdout (stderr tail:\n%s)", tail(stderr))
          .contains("akkube is ready");
      return process;
    } catch (AssertionError | RuntimeException e) {
      process.destroyForcibly();
      throw new AssertionError(e.getMessage() + "\n--- stderr tail ---\n" + tail(stderr), e);
    }
  }

  /** Runs {@code ./akkube args…} (the repository's script, on this build's jars) to completion. */
  private static Run akkube(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(
        List.of(
            "--data-dir",
            cassandraDir.toString(),
            "--cql-port",
            Integer.toString(cqlPort),
            "--storage-port",
            Integer.toString(storagePort)));
    return Run.of(builder(command), timeout);
  }

  private static ProcessBuilder builder(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(repoRoot().resolve("akkube").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot().toFile());
    builder.environment().put("AKKUBE_BUILD_DIR", buildDirectory().toString());
    builder.environment().put("AKKUBE_SKIP_BUILD", "1");
    builder.environment().put("AKKUBE_JAVA_OPTS", "-Xmx768m -XX:+UseSerialGC");
    return builder;
  }

  /** What one finished command printed and how it exited. */
  record Run(List<String> command, int exitCode, String stdout, String stderr) {

    static Run of(ProcessBuilder builder, Duration timeout) {
      try {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p =
            builder
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(builder.command() + " did not finish within " + timeout);
        }
        return new Run(builder.command(), p.exitValue(), read(out), read(err));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " → exit "
          + exitCode
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  /** The installed kubectl on akkube's kubeconfig, with a discovery cache of its own. */
  record Kubectl(Path kubeconfig, Path cacheDir) {
    Run run(String... args) {
      List<String> command = new ArrayList<>(List.of("kubectl"));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().put("KUBECACHEDIR", cacheDir.resolve("kubectl-cache").toString());
      return Run.of(builder, Duration.ofSeconds(60));
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(timeout, condition);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file) {
    if (!Files.exists(file)) {
      return "(none)";
    }
    List<String> lines = List.of(read(file).split("\n"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path buildDirectory() {
    String dir = System.getProperty("akkube.buildDirectory");
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.dir"), "target");
  }

  private static Path repoRoot() {
    String dir = System.getProperty("akkube.repoRoot");
    Path root = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.dir"), "..");
    return root.toAbsolutePath().normalize();
  }
}
