package io.akkube.cluster.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The packaged akkube as a child process (node agent with the process runtime, scheduler) and the
 * real kubectl pointed at it. The e2e harness is package-private to its package, so the workload
 * tests carry these few lines of their own.
 */
final class Akkube implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int port;
  private Process process;

  Akkube() {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target"));
    try {
      // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
      dir = Files.createTempDirectory(build.toAbsolutePath(), "workloads-it-");
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  void start() {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target"));
    try {
      Files.deleteIfExists(dir.resolve("stdout.log"));
      process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx768m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*",
                  "io.akkube.cluster.Main",
                  "up",
                  "--data-dir",
                  dir.resolve("data").toString(),
                  "--bind",
                  "127.0.0.1",
                  "--api-port",
                  Integer.toString(port),
                  "--node-name",
                  "workloads-node")
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await(
        Duration.ofSeconds(120),
        "akkube ready",
        () -> read(dir.resolve("stdout.log")).contains("akkube is ready") || !process.isAlive());
    if (!process.isAlive()) {
      throw new AssertionError("akkube exited:\n" + stderrTail());
    }
  }

  /** SIGKILL, no shutdown of any kind. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String stderrTail() {
    List<String> lines = List.of(read(dir.resolve("stderr.log")).split("\n"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  Result kubectl(String... args) {
    return kubectlWithStdin(null, args);
  }

  Result kubectlWithStdin(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "out", ".txt");
      Path err = Files.createTempFile(dir, "err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(
                  stdin == null
                      ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                      : ProcessBuilder.Redirect.PIPE);
      pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
      pb.environment().put("KUBECACHEDIR", dir.resolve("kubecache").toString());
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish within 180 s");
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** kubectl that must succeed; its stdout. */
  String ok(String... args) {
    Result r = kubectl(args);
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " → " + r);
    }
    return r.stdout();
  }

  void apply(String namespace, String yaml) {
    Result r = kubectlWithStdin(yaml, "apply", "-n", namespace, "-f", "-");
    if (r.exitCode() != 0) {
      throw new AssertionError("kubectl apply → " + r);
    }
  }

  JsonNode json(String... args) {
    try {
      return JSON.readTree(ok(args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(Duration timeout, String what, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(timeout, what, condition);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      kubectl(
          "delete", "deployments,replicasets,pods", "--all", "-A", "--grace-period=0", "--force");
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
