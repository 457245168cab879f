package io.akkube.cluster.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The installed {@code kubectl}, pointed at one akkube through {@code KUBECONFIG} (and a private
 * discovery cache through {@code KUBECACHEDIR}, so no stale cache of an earlier server on the same
 * port is ever used). Commands take no extra flags: what the test passes is what a user types.
 */
final class Kubectl {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path kubeconfig;
  private final Path cacheDir;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
    try {
      // next to the server's data directory, so the test's clean-up removes it too
      this.cacheDir =
          Files.createTempDirectory(
              kubeconfig.toAbsolutePath().getParent().getParent(), "kubectl-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What one kubectl run printed and how it exited. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    List<String> stdoutLines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
    }

    /** The whitespace-separated columns of each stdout line. */
    List<List<String>> rows() {
      return stdoutLines().stream().map(l -> List.of(l.trim().split("\\s+"))).toList();
    }

    @Override
    public String toString() {
      return "kubectl "
          + String.join(" ", command.subList(1, command.size()))
          + " → exit "
          + exitCode
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  Result run(String... args) {
    return runWithStdin(null, args);
  }

  /** Runs kubectl with {@code stdin} (e.g. a manifest for {@code -f -}) and waits for it. */
  Result runWithStdin(String stdin, String... args) {
    List<String> command = command(args);
    try {
      Path out = Files.createTempFile(cacheDir, "stdout", ".txt");
      Path err = Files.createTempFile(cacheDir, "stderr", ".txt");
      Process p =
          builder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(
                  stdin == null
                      ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                      : ProcessBuilder.Redirect.PIPE)
              .start();
      if (stdin != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
      }
      Result r = new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
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

  /** Starts a long-running kubectl (e.g. {@code get pods -w}) whose stdout lines are collected. */
  Background background(String... args) {
    List<String> command = command(args);
    try {
      Path err = Files.createTempFile(cacheDir, "stderr", ".txt");
      Process p =
          builder(command)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      return new Background(command, p, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(Arrays.asList(args));
    return command;
  }

  private ProcessBuilder builder(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().put("KUBECONFIG", kubeconfig.toString());
    b.environment().put("KUBECACHEDIR", cacheDir.toString());
    return b;
  }

  /** A kubectl that keeps running until closed; its stdout lines arrive in {@link #lines()}. */
  static final class Background implements AutoCloseable {

    private final List<String> command;
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Background(List<String> command, Process process, Path stderr) {
      this.command = command;
      this.process = process;
      this.stderr = stderr;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "kubectl-background-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String stderr() {
      try {
        return Files.readString(stderr);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\n--- stdout ---\n"
          + String.join("\n", lines)
          + "\n--- stderr ---\n"
          + stderr();
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
