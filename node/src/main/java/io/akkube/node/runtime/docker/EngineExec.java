package io.akkube.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.akkube.node.runtime.ContainerRuntime.ExecProcess;
import io.akkube.node.runtime.ContainerRuntime.ExecResult;
import io.akkube.node.runtime.ContainerRuntime.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Commands run inside a container through the engine's exec endpoints: to completion with their
 * output (probes, hooks), or as a process with pipes, and a terminal when asked ({@code kubectl
 * exec -it}).
 */
final class EngineExec {

  private static final int MAX_OUTPUT = 10 * 1024;

  private EngineExec() {}

  static ExecResult run(
      DockerClient engine, String containerId, List<String> command, Duration timeout) {
    ExecCreateCmdResponse exec =
        engine
            .execCreateCmd(containerId)
            .withCmd(command.toArray(String[]::new))
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> callback =
        engine
            .execStartCmd(exec.getId())
            .exec(
                new ResultCallback.Adapter<>() {
                  @Override
                  public void onNext(Frame frame) {
                    synchronized (output) {
                      if (output.size() < MAX_OUTPUT) {
                        byte[] p = frame.getPayload();
                        output.write(p, 0, Math.min(p.length, MAX_OUTPUT - output.size()));
                      }
                    }
                  }
                });
    boolean completed;
    try {
      completed = callback.awaitCompletion(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      completed = false;
    }
    if (!completed) {
      closeQuietly(callback);
      return new ExecResult(-1, "", true);
    }
    Long code = engine.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
    String out;
    synchronized (output) {
      out = output.toString(StandardCharsets.UTF_8);
    }
    return new ExecResult(code == null ? -1 : code.intValue(), out, false);
  }

  static ExecProcess start(
      DockerClient engine, String containerId, List<String> command, boolean tty) {
    ExecCreateCmdResponse exec =
        engine
            .execCreateCmd(containerId)
            .withCmd(command.toArray(String[]::new))
            .withAttachStdin(true)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withTty(tty)
            .withEnv(tty ? List.of("TERM=xterm") : List.of())
            .exec();
    String execId = exec.getId();
    Pipe stdin = new Pipe();
    Pipe stdout = new Pipe();
    Pipe stderr = new Pipe();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    ResultCallback.Adapter<Frame> callback =
        engine
            .execStartCmd(execId)
            .withTty(tty)
            .withStdIn(stdin.source)
            .exec(
                new ResultCallback.Adapter<>() {
                  @Override
                  public void onNext(Frame frame) {
                    try {
                      (frame.getStreamType() == StreamType.STDERR ? stderr.sink : stdout.sink)
                          .write(frame.getPayload());
                    } catch (IOException e) {
                      // a closed pipe: the caller is gone
                    }
                  }

                  @Override
                  public void onError(Throwable throwable) {
                    finish();
                  }

                  @Override
                  public void onComplete() {
                    finish();
                  }

                  private void finish() {
                    stdout.close();
                    stderr.close();
                    Integer code = null;
                    try {
                      code = engine.inspectExecCmd(execId).exec().getExitCode();
                    } catch (RuntimeException e) {
                      // the container is gone with its exec
                    }
                    exit.complete(code == null ? 137 : code);
                  }
                });
    TerminalSize size =
        tty
            ? (width, height) -> {
              try {
                engine.resizeExecCmd(execId).withSize(height, width).exec();
              } catch (RuntimeException e) {
                // ended meanwhile
              }
            }
            : TerminalSize.NONE;
    return new ExecProcess(new EngineProcess(stdin, stdout, stderr, exit, callback), size);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to release
    }
  }

  /** An engine exec seen as a {@link Process}: its pipes, its exit code, closing the stream. */
  private static final class EngineProcess extends Process {
    private final Pipe stdin;
    private final Pipe stdout;
    private final Pipe stderr;
    private final CompletableFuture<Integer> exit;
    private final AutoCloseable stream;

    EngineProcess(
        Pipe stdin,
        Pipe stdout,
        Pipe stderr,
        CompletableFuture<Integer> exit,
        AutoCloseable stream) {
      this.stdin = stdin;
      this.stdout = stdout;
      this.stderr = stderr;
      this.exit = exit;
      this.stream = stream;
    }

    @Override
    public OutputStream getOutputStream() {
      return stdin.sink;
    }

    @Override
    public InputStream getInputStream() {
      return stdout.source;
    }

    @Override
    public InputStream getErrorStream() {
      return stderr.source;
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return exit.get();
      } catch (java.util.concurrent.ExecutionException e) {
        return 137;
      }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      try {
        exit.get(timeout, unit);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        return true;
      }
    }

    @Override
    public int exitValue() {
      if (!exit.isDone()) {
        throw new IllegalThreadStateException("exec still running");
      }
      return exit.join();
    }

    @Override
    public CompletableFuture<Process> onExit() {
      return exit.thenApply(code -> this);
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }

    @Override
    public void destroy() {
      stdin.close();
      closeQuietly(stream);
      stdout.close();
      stderr.close();
      exit.complete(137);
    }
  }
}
