package io.akkube.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.akkube.cluster.e2e.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Several real akkube JVMs on the test JVM's local Cassandra (a keyspace of their own), started
 * from the packaged launcher (the cluster module's {@code akkube-cluster.jar} + {@code lib/}) on
 * distinct loopback addresses, driven by the real kubectl. Every process it starts (and every
 * process those started) is killed by {@link #close}, or by a shutdown hook if the test JVM exits
 * first; nothing else is ever touched.
 */
final class AkkubeCluster implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(60);

  /** One member: its loopback address, roles, API port (control plane only) and process. */
  static final class Member {
    final String name;
    final String address;
    final List<String> roles;
    final int apiPort;
    final Path dataDir;
    final Path log;
    Process process;
    int starts;

    Member(String name, String address, List<String> roles, int apiPort, Path dir) {
      this.name = name;
      this.address = address;
      this.roles = roles;
      this.apiPort = apiPort;
      this.dataDir = dir.resolve(name);
      this.log = dir.resolve(name + ".log");
    }

    boolean controlPlane() {
      return roles.contains("control-plane");
    }

    Path kubeconfig() {
      return dataDir.resolve("kubeconfig");
    }

    @Override
    public String toString() {
      return name + "@" + address;
    }
  }

  private final Path dir;
  private final Path build;
  private final SharedCassandra cassandra;
  private final String keyspace;
  private final String subnet;
  private final Map<String, String> env;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();
  private final Thread shutdownHook = new Thread(this::killEverything, "akkube-cluster-cleanup");

  /**
   * @param env extra environment for every member (e.g. shortened node-lifecycle timeouts)
   */
  AkkubeCluster(Map<String, String> env, SharedCassandra cassandra) throws IOException {
    this.dir = Files.createTempDirectory("akkube-multi-jvm-");
    this.build = clusterBuildDirectory();
    this.cassandra = cassandra;
    this.keyspace = "akkube_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);
    // a /24 of 127.0.0.0/8 of its own, so concurrent runs never share a remoting address
    this.subnet = "127.42." + ThreadLocalRandom.current().nextInt(16, 250) + ".";
    this.env = Map.copyOf(env);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The cluster module's output folder: the system property failsafe sets, else the usual {@code
   * ../cluster/target}; it must hold the launcher jar and its lib/.
   */
  static Path clusterBuildDirectory() {
    Path dir =
        Path.of(System.getProperty("akkube.clusterBuildDirectory", "../cluster/target"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(dir.resolve("akkube-cluster.jar"))
        || !Files.isDirectory(dir.resolve("lib"))) {
      throw new IllegalStateException(
          "no packaged launcher in "
              + dir
              + " (akkube-cluster.jar + lib/): build the cluster module first (mvn verify builds it"
              + " before this module)");
    }
    return dir;
  }

  Path dir() {
    return dir;
  }

  // ---------------------------------------------------------------- members

  /** Declares member {@code index} (1-based; members 1–3 are the seeds) without starting it. */
  Member member(int index, String name, String... roles) throws IOException {
    Member m = new Member(name, subnet + index, List.of(roles), freePort(), dir);
    members.put(name, m);
    return m;
  }

  List<Member> members() {
    return List.copyOf(members.values());
  }

  List<Member> controlPlane() {
    return members.values().stream().filter(Member::controlPlane).toList();
  }

  /** Starts the member's JVM (again, after a kill: same address, same data directory). */
  void start(Member m) throws IOException {
    Files.createDirectories(m.dataDir);
    List<String> seeds =
        members.values().stream()
            .filter(Member::controlPlane)
            .limit(3)
            .map(s -> s.address)
            .toList();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx400m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*",
                "io.akkube.cluster.Main",
                "up",
                "--data-dir",
                m.dataDir.toString(),
                "--bind",
                m.address,
                "--api-port",
                Integer.toString(m.apiPort),
                "--node-name",
                m.name,
                "--roles",
                String.join(",", m.roles),
                "--node-address",
                m.address,
                "--seed-nodes",
                String.join(",", seeds),
                "--journal",
                "cassandra",
                "--cassandra-contact-points",
                cassandra.contactPoint(),
                "--cassandra-keyspace",
                keyspace));
    ProcessBuilder b =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    b.environment().putAll(env);
    m.process = b.start();
    m.starts++;
    track(m.process);
  }

  /**
   * Graceful stop: SIGTERM, on which the member's coordinated shutdown hands its shards and
   * singletons over and leaves the cluster. Its pods' processes, like a real machine's, are left
   * running. Returns the exit code.
   */
  int stop(Member m) throws InterruptedException {
    m.process.descendants().forEach(started::add); // still ours to clean up at the end
    m.process.destroy();
    if (!m.process.waitFor(2, TimeUnit.MINUTES)) {
      throw new AssertionError(m + " did not stop within 2 minutes of SIGTERM");
    }
    return m.process.exitValue();
  }

  /** Waits until the member's latest start printed that it is ready. */
  void awaitReady(Member m, Duration timeout) {
    awaitReady(m, m.starts, timeout);
  }

  /** Waits until the member printed that it is ready (once more per start). */
  void awaitReady(Member m, int starts, Duration timeout) {
    await(
        timeout,
        m + " ready",
        () -> {
          if (!m.process.isAlive()) {
            throw new AssertionError(m + " exited with " + m.process.exitValue());
          }
          return count(read(m.log), "akkube is ready") >= starts;
        });
  }

  /**
   * SIGKILL of the member's JVM; its pods' processes, like a real machine's, are left running (the
   * returned handles).
   */
  List<ProcessHandle> kill(Member m) throws InterruptedException {
    List<ProcessHandle> left = m.process.descendants().toList();
    started.addAll(left); // still ours to clean up at the end
    m.process.destroyForcibly();
    m.process.waitFor(30, TimeUnit.SECONDS);
    return left;
  }

  /** Every control-plane member lists all members' Nodes, each Ready. */
  void awaitMembership(Duration timeout) {
    await(
        timeout,
        "every control-plane member to list all " + members.size() + " nodes Ready",
        () ->
            controlPlane().stream()
                .allMatch(
                    cp -> {
                      Result r = kubectl(cp, null, "get", "nodes", "--no-headers");
                      return r.exitCode() == 0
                          && r.stdout().lines().filter(l -> l.matches("\\S+\\s+Ready\\s.*")).count()
                              == members.size();
                    }));
  }

  /**
   * The live control-plane member that logged {@code line} last (e.g. a singleton's "ready" line:
   * singletons log where they run). Log lines start with HH:mm:ss.SSS.
   */
  Member singletonHost(String line) {
    Member latest = null;
    String latestTime = "";
    for (Member m : controlPlane()) {
      if (m.process == null || !m.process.isAlive()) {
        continue;
      }
      for (String l : read(m.log).lines().filter(l -> l.contains(line)).toList()) {
        String time = l.length() >= 12 ? l.substring(0, 12) : "";
        if (time.compareTo(latestTime) >= 0) {
          latestTime = time;
          latest = m;
        }
      }
    }
    if (latest == null) {
      throw new AssertionError("no live member logged \"" + line + "\"");
    }
    return latest;
  }

  /** An API client of {@code m} from its own kubeconfig. */
  ApiClient api(Member m) {
    return ApiClient.fromKubeconfig(m.kubeconfig(), null);
  }

  // ---------------------------------------------------------------- kubectl

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  Result kubectl(Member m, String stdin, String... args) {
    return kubectl(m.kubeconfig(), "kubectl-cache-" + m.name, stdin, args);
  }

  /** kubectl with {@code kubeconfig} (its own discovery cache {@code cache}). */
  Result kubectl(Path kubeconfig, String cache, String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--request-timeout=20s"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "kubectl", ".out");
      Path err = Files.createTempFile(dir, "kubectl", ".err");
      ProcessBuilder b =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      b.environment().put("KUBECONFIG", kubeconfig.toString());
      b.environment().put("KUBECACHEDIR", dir.resolve(cache).toString());
      Process p = b.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(KUBECTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "", command + " did not finish in " + KUBECTL_TIMEOUT);
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** kubectl against {@code m} that must succeed; its stdout. */
  String ok(Member m, String... args) {
    Result r = kubectl(m, null, args);
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " against " + m + " → " + r);
    }
    return r.stdout();
  }

  void apply(Member m, String manifest) {
    Result r = kubectl(m, manifest, "apply", "-f", "-");
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl apply against " + m + " of\n" + manifest + "\n→ " + r);
    }
  }

  JsonNode json(Member m, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    try {
      return JSON.readTree(ok(m, all.toArray(String[]::new)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- logs and cleanup

  /** Copies every member's log (and Cassandra's) to {@code target}, for a failed test. */
  void collectLogs(Path target) {
    try {
      Files.createDirectories(target);
      for (Member m : members.values()) {
        if (Files.exists(m.log)) {
          Files.copy(
              m.log,
              target.resolve(m.log.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      cassandra.collectLogs(target);
    } catch (IOException e) {
      System.err.println("could not collect the logs: " + e);
    }
  }

  @Override
  public void close() throws Exception {
    killEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Kills the members (and whatever they started); only our own pids. */
  private synchronized void killEverything() {
    for (Member m : members.values()) {
      if (m.process != null) {
        m.process.descendants().forEach(started::add);
        m.process.destroyForcibly();
      }
    }
    for (ProcessHandle p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private void track(Process p) {
    started.add(p.toHandle());
  }

  // ---------------------------------------------------------------- helpers

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Polls (every 250 ms) until {@code condition} holds; a failed kubectl counts as "not yet". */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    Await.until(
        timeout,
        what,
        failure ->
            (failure instanceof AssertionError || failure instanceof UncheckedIOException)
                && (failure.getMessage() == null
                    || !failure.getMessage().contains(" exited with ")),
        condition::getAsBoolean);
  }
}
