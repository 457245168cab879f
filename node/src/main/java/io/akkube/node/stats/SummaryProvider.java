package io.akkube.node.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.stats.Summary;
import io.akkube.core.stats.Summary.ContainerStats;
import io.akkube.core.stats.Summary.CpuStats;
import io.akkube.core.stats.Summary.MemoryStats;
import io.akkube.core.stats.Summary.NodeStats;
import io.akkube.core.stats.Summary.PodReference;
import io.akkube.core.stats.Summary.PodStats;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import io.akkube.node.stats.UsageHistory.Reading;
import io.akkube.node.stats.UsageHistory.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * This node's stats summary (the kubelet's {@code /stats/summary}): the machine from /proc, every
 * running container from the runtime's {@link ContainerRuntime#stats}, grouped by the pods the API
 * has on this node. CPU rates compare two readings ({@link UsageHistory}); the runtime is read only
 * when a summary is asked for, nothing samples in the background.
 */
public final class SummaryProvider {

  private final String nodeName;
  private final ObjectStore store;
  private final ContainerRuntime runtime;
  private final Executor blocking;
  private final Clock clock;
  private final UsageHistory history = new UsageHistory();

  /**
   * @param blocking where the runtime and /proc are read (engine calls block)
   */
  public SummaryProvider(
      String nodeName,
      ObjectStore store,
      ContainerRuntime runtime,
      Executor blocking,
      Clock clock) {
    this.nodeName = nodeName;
    this.store = store;
    this.runtime = runtime;
    this.blocking = blocking;
    this.clock = clock;
  }

  public CompletionStage<NodeSummaries.Sample> summary() {
    return window()
        .thenCompose(
            window ->
                store
                    .list(
                        ResourceTypes.PODS,
                        new ListOptions(null, "", "spec.nodeName=" + nodeName, 0, "", ""))
                    .thenApply(
                        pods ->
                            new NodeSummaries.Sample(
                                build(
                                    nodeName,
                                    window,
                                    pods.items().stream().map(StoredObject::object).toList()),
                                window.length())));
  }

  /** A reading now and the one to take rates against: from the history, or a second one. */
  private CompletionStage<Window> window() {
    return CompletableFuture.supplyAsync(this::read, blocking)
        .thenCompose(
            first ->
                history
                    .baseFor(first)
                    .map(base -> CompletableFuture.completedFuture(new Window(base, first)))
                    .orElseGet(
                        () ->
                            CompletableFuture.supplyAsync(
                                    this::read,
                                    CompletableFuture.delayedExecutor(
                                        UsageHistory.MIN_WINDOW.toMillis(),
                                        TimeUnit.MILLISECONDS,
                                        blocking))
                                .thenApply(second -> new Window(first, second))));
  }

  private Reading read() {
    Instant now = clock.instant();
    HostUsage host = HostUsage.read(now);
    Map<String, ContainerHandle> handles = new HashMap<>();
    Map<String, ResourceUsage> usage = new HashMap<>();
    for (ContainerHandle h : runtime.running()) {
      runtime
          .stats(h)
          .ifPresent(
              u -> {
                handles.put(h.id(), h);
                usage.put(h.id(), u);
              });
    }
    Reading reading = new Reading(now, host, handles, usage);
    history.add(reading);
    return reading;
  }

  /**
   * The summary of the window's later reading, rates taken against its base; a container (and its
   * pod) counts when the API has its pod on this node.
   */
  static Summary build(String nodeName, Window window, List<? extends JsonNode> pods) {
    Reading base = window.base();
    Reading now = window.now();
    String time = Summary.time(now.time());
    HostUsage host = now.host();
    NodeStats node =
        new NodeStats(
            nodeName,
            Summary.time(host.bootTime()),
            new CpuStats(
                time,
                boxed(
                    UsageHistory.nanoCores(
                        base.host().cpuNanoseconds(),
                        base.time(),
                        host.cpuNanoseconds(),
                        now.time())),
                host.cpuNanoseconds()),
            new MemoryStats(
                time,
                Math.max(0, host.memoryTotalBytes() - host.memoryWorkingSetBytes()),
                host.memoryUsageBytes(),
                host.memoryWorkingSetBytes(),
                host.memoryRssBytes()));
    Map<String, List<ContainerHandle>> byPod = new LinkedHashMap<>();
    now.handles().values().stream()
        .sorted(Comparator.comparing(ContainerHandle::containerName))
        .forEach(h -> byPod.computeIfAbsent(h.podUid(), k -> new ArrayList<>()).add(h));
    List<PodStats> podStats = new ArrayList<>();
    for (JsonNode pod : pods) {
      String uid = Json.text(pod.path("metadata"), "uid");
      List<ContainerHandle> handles = byPod.get(uid);
      if (handles != null) {
        podStats.add(podStats(pod, handles, window));
      }
    }
    return new Summary(node, podStats);
  }

  /** A pod's containers, and the pod as their sum. */
  private static PodStats podStats(JsonNode pod, List<ContainerHandle> handles, Window window) {
    List<ContainerStats> containers = new ArrayList<>();
    long cpu = 0;
    long nanoCores = 0;
    boolean allRates = true;
    long usage = 0;
    long workingSet = 0;
    Instant started = null;
    for (ContainerHandle h : handles) {
      ResourceUsage after = window.now().containers().get(h.id());
      ResourceUsage before = window.base().containers().get(h.id());
      OptionalLong rate =
          before == null
              ? OptionalLong.empty()
              : UsageHistory.nanoCores(
                  before.cpuCoreNanoSeconds(),
                  before.time(),
                  after.cpuCoreNanoSeconds(),
                  after.time());
      String at = Summary.time(after.time());
      containers.add(
          new ContainerStats(
              h.containerName(),
              Summary.time(h.startedAt()),
              new CpuStats(at, boxed(rate), after.cpuCoreNanoSeconds()),
              new MemoryStats(
                  at, null, after.memoryUsageBytes(), after.memoryWorkingSetBytes(), null)));
      cpu += after.cpuCoreNanoSeconds();
      allRates &= rate.isPresent();
      nanoCores += rate.orElse(0);
      usage += after.memoryUsageBytes();
      workingSet += after.memoryWorkingSetBytes();
      started = started == null || h.startedAt().isBefore(started) ? h.startedAt() : started;
    }
    String time = Summary.time(window.now().time());
    String podStarted = Json.text(pod.path("status"), "startTime");
    return new PodStats(
        new PodReference(
            Json.text(pod.path("metadata"), "name"),
            Json.text(pod.path("metadata"), "namespace"),
            Json.text(pod.path("metadata"), "uid")),
        podStarted.isEmpty() ? Summary.time(started) : podStarted,
        containers,
        new CpuStats(time, allRates ? nanoCores : null, cpu),
        new MemoryStats(time, null, usage, workingSet, null));
  }

  /** An absent rate is omitted from the JSON, as the kubelet omits it. */
  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
