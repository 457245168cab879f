package io.akkube.node.streams;

import akka.NotUsed;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.streams.ContainerSelection;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.LogOptions;
import io.akkube.core.streams.PodStreams;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.ExecProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * Logs and exec for the pods of one node agent (the kubelet's {@code containerLogs} and {@code
 * exec} handlers): log files are found by the pod directory layout the pod workers write ({@code
 * <pods>/<ns>_<name>_<uid>/logs/<container>/<attempt>.log}), running containers through the
 * runtime. Which instance a request means follows the kubelet: the running one, else the last that
 * ran; {@code previous} is the one before the current instance (or the last one, while the next
 * waits to start).
 */
public final class NodePodStreams implements PodStreams {

  private final ObjectStore store;
  private final ContainerRuntime runtime;
  private final Path podsDir;
  private final Executor blocking;

  /**
   * @param podsDir the agent's pod directories (its state dir's {@code pods})
   * @param blocking where exec processes are started and terminals resized
   */
  public NodePodStreams(
      ObjectStore store, ContainerRuntime runtime, Path podsDir, Executor blocking) {
    this.store = store;
    this.runtime = runtime;
    this.podsDir = podsDir;
    this.blocking = blocking;
  }

  /** The streams of the agent whose state dir is {@code stateDir} (pods live in its "pods"). */
  public static NodePodStreams forNode(
      ObjectStore store, ContainerRuntime runtime, Path stateDir, Executor blocking) {
    return new NodePodStreams(store, runtime, stateDir.toAbsolutePath().resolve("pods"), blocking);
  }

  @Override
  public CompletionStage<Source<ByteString, NotUsed>> logs(
      String namespace, String podName, LogOptions options) {
    return store
        .get(ResourceTypes.PODS, namespace, podName)
        .thenApplyAsync(
            stored -> {
              ObjectNode pod = stored.object();
              String container = ContainerSelection.resolve(pod, options.container());
              String uid = Json.metaText(pod, "uid");
              Path file = logFile(pod, container, options.previous());
              int attempt = attemptOf(file);
              LogOptions resolved = options.withContainer(container);
              return Source.unfoldResource(
                      () ->
                          new LogFileReader(
                              file,
                              resolved,
                              () ->
                                  runtime.running().stream()
                                      .anyMatch(
                                          h ->
                                              h.podUid().equals(uid)
                                                  && h.containerName().equals(container)
                                                  && h.attempt() == attempt)),
                      LogFileReader::next,
                      reader -> {})
                  .filter(chunk -> !chunk.isEmpty());
            },
            blocking);
  }

  /** The log file of the instance a request means, or the kubelet's 400 when there is none. */
  private Path logFile(ObjectNode pod, String container, boolean previous) {
    String podName = Json.name(pod);
    String uid = Json.metaText(pod, "uid");
    Path dir =
        podsDir
            .resolve(Json.namespace(pod) + "_" + podName + "_" + uid)
            .resolve("logs")
            .resolve(container);
    List<Path> files = attempts(dir);
    Optional<ContainerHandle> running = runningHandle(uid, container);
    JsonNode state = containerStatus(pod, container).path("state");
    if (previous) {
      // The current instance is the running one, or a terminated one not restarted; while the
      // next instance waits (CrashLoopBackOff) the last one that ran is the previous one.
      boolean hasCurrent = running.isPresent() || state.has("terminated");
      int index = files.size() - (hasCurrent ? 2 : 1);
      if (running.isPresent()) {
        index = -1;
        for (int i = 0; i < files.size(); i++) {
          if (attemptOf(files.get(i)) < running.get().attempt()) {
            index = i;
          }
        }
      }
      if (index < 0) {
        throw ApiStatus.badRequest(
                "previous terminated container \""
                    + container
                    + "\" in pod \""
                    + podName
                    + "\" not found")
            .exception();
      }
      return files.get(index);
    }
    if (running.isPresent()) {
      return dir.resolve(running.get().attempt() + ".log");
    }
    if (!files.isEmpty()) {
      return files.get(files.size() - 1);
    }
    String reason = state.path("waiting").path("reason").asText("");
    throw ApiStatus.badRequest(
            "container \""
                + container
                + "\" in pod \""
                + podName
                + "\" is waiting to start"
                + (reason.isEmpty() ? " - no logs yet" : ": " + reason))
        .exception();
  }

  private static JsonNode containerStatus(ObjectNode pod, String container) {
    for (String field : List.of("containerStatuses", "initContainerStatuses")) {
      for (JsonNode cs : pod.path("status").path(field)) {
        if (Json.text(cs, "name").equals(container)) {
          return cs;
        }
      }
    }
    return Json.MAPPER.createObjectNode();
  }

  /** {@code <n>.log} files by attempt, oldest first. */
  private static List<Path> attempts(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("\\d+\\.log"))
          .sorted(Comparator.comparingInt(NodePodStreams::attemptOf))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int attemptOf(Path logFile) {
    String name = logFile.getFileName().toString();
    return Integer.parseInt(name.substring(0, name.indexOf('.')));
  }

  private Optional<ContainerHandle> runningHandle(String uid, String container) {
    return runtime.running().stream()
        .filter(h -> h.podUid().equals(uid) && h.containerName().equals(container))
        .max(Comparator.comparingInt(ContainerHandle::attempt));
  }

  @Override
  public CompletionStage<ExecSession> exec(String namespace, String podName, ExecOptions options) {
    return store
        .get(ResourceTypes.PODS, namespace, podName)
        .thenApplyAsync(
            stored -> {
              ObjectNode pod = stored.object();
              String container = ContainerSelection.resolve(pod, options.container());
              ExecProcess exec =
                  runningHandle(Json.metaText(pod, "uid"), container)
                      .flatMap(h -> runtime.startExec(h, options.command(), options.tty()))
                      .orElseThrow(
                          () ->
                              ApiStatus.badRequest("container not found (\"" + container + "\")")
                                  .exception());
              if (!options.stdin()) {
                closeQuietly(exec.process());
              }
              return (ExecSession) new ProcessExecSession(exec, blocking);
            },
            blocking);
  }

  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** An exec's process as a session: pipes as streams, resizes off the caller's thread. */
  private record ProcessExecSession(ExecProcess exec, Executor blocking) implements ExecSession {

    @Override
    public Sink<ByteString, NotUsed> stdin() {
      return StreamConverters.fromOutputStream(() -> exec.process().getOutputStream(), true)
          .mapMaterializedValue(io -> NotUsed.getInstance());
    }

    @Override
    public Source<ByteString, NotUsed> stdout() {
      return StreamConverters.fromInputStream(() -> exec.process().getInputStream(), 8192)
          .mapMaterializedValue(io -> NotUsed.getInstance());
    }

    @Override
    public Source<ByteString, NotUsed> stderr() {
      return StreamConverters.fromInputStream(() -> exec.process().getErrorStream(), 8192)
          .mapMaterializedValue(io -> NotUsed.getInstance());
    }

    @Override
    public void resize(int width, int height) {
      CompletableFuture.runAsync(() -> exec.terminal().set(width, height), blocking);
    }

    @Override
    public CompletionStage<Integer> exitCode() {
      return exec.process().onExit().thenApply(Process::exitValue);
    }

    @Override
    public void terminate() {
      Process p = exec.process();
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
