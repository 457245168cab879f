package io.akkube.cluster.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real akkube server as a child process: the packaged launcher ({@code akkube-cluster.jar} +
 * {@code lib/}) started on a free port with its own data directory, or any other command that
 * prints the launcher's lines (the README's {@code ./akkube up}). Stderr goes to a file next to the
 * data directory so a failing test can show its tail.
 */
final class AkkubeProcess implements AutoCloseable {

  static final String READY_LINE = "akkube is ready";
  static final String NODE_NAME = "e2e-node";
  private static final Duration START_DEADLINE = Duration.ofSeconds(180);
  private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);

  private final Path dataDir;
  private final int port;
  private final List<String> command;
  private final Path workDir;
  private final Map<String, String> environment;
  private final Path stderrFile;
  private volatile List<String> stdout = new CopyOnWriteArrayList<>();
  private Process process;

  private AkkubeProcess(
      Path dataDir, int port, List<String> command, Path workDir, Map<String, String> environment) {
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port;
    this.command = List.copyOf(command);
    this.workDir = workDir;
    this.environment = Map.copyOf(environment);
    this.stderrFile = this.dataDir.resolveSibling(this.dataDir.getFileName() + ".stderr.log");
  }

  /**
   * Starts the packaged launcher with {@code up} on a free port and waits until it is ready. This
   * suite tests the API and the watch contract alone (issue 2), so the scheduler and the node agent
   * are off: pods stay Pending, as the scenarios expect.
   */
  static AkkubeProcess start(Path dataDir) {
    int port = freePort();
    Path build = buildDirectory();
    String classpath = build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*";
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-cp",
            classpath,
            "io.akkube.cluster.Main",
            "up",
            "--data-dir",
            dataDir.toAbsolutePath().toString(),
            "--bind",
            "127.0.0.1",
            "--api-port",
            Integer.toString(port),
            "--node-name",
            NODE_NAME);
    return launch(
        dataDir,
        port,
        command,
        repoRoot(),
        Map.of("AKKUBE_SCHEDULER_ENABLED", "false", "AKKUBE_NODE_ENABLED", "false"));
  }

  /** Runs {@code command} (which must print the launcher's lines) and waits until it is ready. */
  static AkkubeProcess launch(
      Path dataDir, int port, List<String> command, Path workDir, Map<String, String> environment) {
    AkkubeProcess p = new AkkubeProcess(dataDir, port, command, workDir, environment);
    p.startAndAwaitReady();
    return p;
  }

  /** The folder holding {@code akkube-cluster.jar} and {@code lib/} (failsafe passes it). */
  static Path buildDirectory() {
    String dir = System.getProperty("akkube.buildDirectory");
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.dir"), "target");
  }

  /** The repository root (the folder with the {@code akkube} script). */
  static Path repoRoot() {
    String dir = System.getProperty("akkube.repoRoot");
    Path root = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.dir"), "..");
    return root.toAbsolutePath().normalize();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startAndAwaitReady() {
    try {
      Files.createDirectories(dataDir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()));
      builder.environment().putAll(environment);
      List<String> lines = new CopyOnWriteArrayList<>();
      stdout = lines;
      process = builder.start();
      Process started = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process went away
                }
              },
              "akkube-stdout-" + started.pid());
      reader.setDaemon(true);
      reader.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Await.until(
          START_DEADLINE,
          "'" + READY_LINE + "' from " + command,
          () -> stdout.contains(READY_LINE) || !process.isAlive());
    } catch (AssertionError e) {
      // not ready in time: nobody will stop it later, so it goes now with whatever it started
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(e.getMessage() + "\n--- stderr tail ---\n" + stderrTail(60), e);
    }
    if (!stdout.contains(READY_LINE)) {
      throw new AssertionError(
          "akkube exited with "
              + process.exitValue()
              + " before it was ready; stdout: "
              + stdout
              + "\n--- stderr tail ---\n"
              + stderrTail(60));
    }
  }

  Path dataDir() {
    return dataDir;
  }

  Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  int port() {
    return port;
  }

  URI baseUrl() {
    return URI.create("https://127.0.0.1:" + port);
  }

  String token() {
    try {
      return Files.readString(dataDir.resolve("token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stdout lines of the current incarnation. */
  List<String> stdoutLines() {
    return List.copyOf(stdout);
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** An SSL context trusting exactly the kubeconfig's certificate-authority-data. */
  SSLContext sslContext() {
    try {
      String caData = null;
      for (String line : Files.readAllLines(kubeconfig())) {
        String t = line.trim();
        if (t.startsWith("certificate-authority-data:")) {
          caData = t.substring("certificate-authority-data:".length()).trim();
        }
      }
      if (caData == null) {
        throw new IllegalStateException("no certificate-authority-data in " + kubeconfig());
      }
      X509Certificate ca =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(
                      new ByteArrayInputStream(Base64.getDecoder().decode(caData)));
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("akkube", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: no shutdown hooks, no coordinated shutdown, no flushing. */
  void kill9() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM and wait for the process to exit; returns its exit code. */
  int stop() {
    process.destroy();
    return awaitExit();
  }

  /** Starts the same command again on the same data directory and port (after kill9 or stop). */
  void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("restart() needs a stopped process; call stop() or kill9()");
    }
    startAndAwaitReady();
  }

  private int awaitExit() {
    try {
      if (!process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError(
            "akkube (pid " + process.pid() + ") did not exit within " + EXIT_DEADLINE);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The last {@code lines} lines the process wrote to stderr (its log). */
  String stderrTail(int lines) {
    try {
      if (!Files.exists(stderrFile)) {
        return "(no stderr)";
      }
      List<String> all = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
      return String.join(
          "\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  Path stderrFile() {
    return stderrFile;
  }

  /** Always kills the process tree, whatever state the test left it in. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
