package io.akkube.node.runtime.fake;

import io.akkube.node.runtime.ContainerRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Containers that "run" without processes (hollow nodes, like kubemark/kwok): a start succeeds at
 * once, the container runs until signalled, exec always succeeds.
 */
public final class FakeRuntime implements ContainerRuntime {

  private final Clock clock;
  private final Map<String, CompletableFuture<ContainerExit>> running = new ConcurrentHashMap<>();
  private final Map<String, ContainerHandle> handles = new ConcurrentHashMap<>();
  private final AtomicLong pids = new AtomicLong(1000);

  public FakeRuntime(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public String version() {
    return "fake://akkube-0.1.0";
  }

  @Override
  public String limitsNotEnforcedReason() {
    return "";
  }

  @Override
  public void createSandbox(Sandbox sandbox) {}

  @Override
  public void removeSandbox(String podUid) {
    handles.values().stream()
        .filter(h -> h.podUid().equals(podUid))
        .toList()
        .forEach(h -> signal(h, Signal.KILL));
  }

  @Override
  public ContainerHandle start(ContainerConfig config) {
    ContainerHandle handle =
        new ContainerHandle(
            UUID.randomUUID().toString().replace("-", ""),
            config.podUid(),
            config.containerName(),
            config.attempt(),
            pids.incrementAndGet(),
            clock.instant());
    handles.put(handle.id(), handle);
    running.put(handle.id(), new CompletableFuture<>());
    return handle;
  }

  @Override
  public CompletionStage<ContainerExit> completion(ContainerHandle handle) {
    CompletableFuture<ContainerExit> done = running.get(handle.id());
    return done != null
        ? done
        : CompletableFuture.completedFuture(new ContainerExit(137, false, clock.instant()));
  }

  @Override
  public void signal(ContainerHandle handle, Signal signal) {
    CompletableFuture<ContainerExit> done = running.remove(handle.id());
    handles.remove(handle.id());
    if (done != null) {
      done.complete(new ContainerExit(signal == Signal.TERM ? 143 : 137, false, clock.instant()));
    }
  }

  @Override
  public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) {
    return running.containsKey(handle.id())
        ? new ExecResult(0, "", false)
        : new ExecResult(-1, "container is not running", false);
  }

  @Override
  public List<ContainerHandle> running() {
    return List.copyOf(handles.values());
  }
}
