package io.akkube.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node agent (one per node): registers the Node, lists then watches the pods bound to it
 * ({@code spec.nodeName=<me>}, re-listing whenever the watch ends), runs one {@link PodWorker} per
 * pod uid, and kills what runs here for pods the API no longer has.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  public sealed interface Command {}

  private record Registered(Throwable failure) implements Command {}

  private record Listed(ListResult result, Throwable failure) implements Command {}

  private record Event(WatchEvent event) implements Command {}

  private record WatchEnded(long generation) implements Command {}

  private record Relist() implements Command {}

  private record WorkerStopped(String uid) implements Command {}

  /** Settings of one agent (config {@code akkube.node}). */
  public record Settings(
      String nodeName, String address, Path stateDir, Backoff backoff, Duration statusDelay) {}

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final ContainerRuntime runtime;
  private final Settings settings;
  private final PodWorker.Context workerContext;
  private final Map<String, ActorRef<PodWorker.Command>> workers = new HashMap<>();
  private final Set<String> stopping = new HashSet<>();
  private Map<String, List<ContainerHandle>> adoptable = new HashMap<>();
  private long watchGeneration;

  /**
   * The agent of this machine with the process runtime, from config {@code akkube.node} (state-dir,
   * back-off, status-delay, log-max-bytes, isolate).
   */
  public static Behavior<Command> fromConfig(
      ObjectStore store,
      com.typesafe.config.Config node,
      String nodeName,
      String address,
      Clock clock) {
    return fromConfig(store, node, processRuntime(node), nodeName, address, clock);
  }

  /**
   * The process runtime as config {@code akkube.node} sets it (state-dir, log-max-bytes, isolate).
   */
  public static ContainerRuntime processRuntime(com.typesafe.config.Config node) {
    return new io.akkube.node.runtime.process.ProcessRuntime(
        Path.of(node.getString("state-dir")).toAbsolutePath().resolve("runtime"),
        node.getBytes("log-max-bytes"),
        node.getBoolean("isolate"));
  }

  /**
   * The agent of this machine on {@code runtime} (shared with whoever serves its logs and exec).
   */
  public static Behavior<Command> fromConfig(
      ObjectStore store,
      com.typesafe.config.Config node,
      ContainerRuntime runtime,
      String nodeName,
      String address,
      Clock clock) {
    Path stateDir = Path.of(node.getString("state-dir")).toAbsolutePath();
    Backoff backoff =
        new Backoff(
            node.getDuration("backoff-initial"),
            node.getDuration("backoff-max"),
            node.getDuration("backoff-reset"));
    return create(
        store,
        runtime,
        new Settings(nodeName, address, stateDir, backoff, node.getDuration("status-delay")),
        clock);
  }

  public static Behavior<Command> create(
      ObjectStore store, ContainerRuntime runtime, Settings settings, Clock clock) {
    return create(
        store,
        runtime,
        settings,
        new NodeRegistration(store, settings.nodeName(), settings.address(), runtime.version()),
        clock);
  }

  /** An agent registering its Node as {@code registration} says (hollow nodes). */
  public static Behavior<Command> create(
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      NodeRegistration registration,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new NodeAgent(ctx, timers, store, runtime, settings, registration, clock)));
  }

  private NodeAgent(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      NodeRegistration registration,
      Clock clock) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.runtime = runtime;
    this.settings = settings;
    ExecutorService blocking =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "node-agent-" + settings.nodeName());
              t.setDaemon(true);
              return t;
            });
    this.workerContext =
        new PodWorker.Context(
            store,
            runtime,
            new EventRecorder(store, settings.nodeName(), clock),
            blocking,
            settings.nodeName(),
            settings.address(),
            settings.stateDir().resolve("pods"),
            settings.backoff(),
            settings.statusDelay(),
            clock);
    for (ContainerHandle h : runtime.running()) {
      adoptable.computeIfAbsent(h.podUid(), k -> new ArrayList<>()).add(h);
    }
    ctx.pipeToSelf(
        registration.register(clock.instant()), (ok, failure) -> new Registered(failure));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(Relist.class, m -> list())
        .onMessage(Listed.class, this::onListed)
        .onMessage(Event.class, this::onEvent)
        .onMessage(WatchEnded.class, this::onWatchEnded)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .build();
  }

  private Behavior<Command> onRegistered(Registered m) {
    if (m.failure() != null) {
      getContext()
          .getLog()
          .warn(
              "node {}: registration failed, retrying: {}",
              settings.nodeName(),
              m.failure().toString());
      timers.startSingleTimer(new Relist(), Duration.ofSeconds(2));
    }
    return list();
  }

  private Behavior<Command> list() {
    getContext()
        .pipeToSelf(
            store.list(
                ResourceTypes.PODS,
                new ListOptions(null, "", "spec.nodeName=" + settings.nodeName(), 0, "", "")),
            Listed::new);
    return this;
  }

  private Behavior<Command> onListed(Listed m) {
    if (m.failure() != null) {
      getContext()
          .getLog()
          .info("node {}: pod list failed: {}", settings.nodeName(), m.failure().toString());
      timers.startSingleTimer(new Relist(), Duration.ofSeconds(1));
      return this;
    }
    Set<String> present = new HashSet<>();
    for (StoredObject item : m.result().items()) {
      ObjectNode pod = item.object();
      present.add(Json.metaText(pod, "uid"));
      upsert(pod);
    }
    for (String uid : List.copyOf(workers.keySet())) {
      if (!present.contains(uid)) {
        remove(uid);
      }
    }
    // Processes of pods the API no longer has (the agent was down when they were deleted).
    for (String uid : List.copyOf(adoptable.keySet())) {
      if (!present.contains(uid)) {
        List<ContainerHandle> orphans = adoptable.remove(uid);
        getContext()
            .getLog()
            .info(
                "node {}: killing {} orphaned container(s) of pod {}",
                settings.nodeName(),
                orphans.size(),
                uid);
        CompletableFuture.runAsync(() -> runtime.removeSandbox(uid), workerContext.blocking());
      }
    }
    adoptable = new HashMap<>();
    watch(m.result().revision());
    return this;
  }

  private void watch(long revision) {
    long generation = ++watchGeneration;
    ActorRef<Command> self = getContext().getSelf();
    getContext()
        .pipeToSelf(
            store
                .watch(
                    ResourceTypes.PODS,
                    new WatchOptions(
                        null,
                        "",
                        "spec.nodeName=" + settings.nodeName(),
                        Long.toString(revision),
                        false,
                        300))
                .thenCompose(
                    source ->
                        source.runWith(
                            Sink.foreach(e -> self.tell(new Event(e))), getContext().getSystem())),
            (done, failure) -> new WatchEnded(generation));
  }

  private Behavior<Command> onEvent(Event m) {
    WatchEvent e = m.event();
    switch (e.type()) {
      case "ADDED", "MODIFIED" -> upsert(e.object());
      case "DELETED" -> remove(Json.metaText(e.object(), "uid"));
      case "ERROR" -> watchGeneration++; // the stream ends; re-list on its end
      default -> {}
    }
    return this;
  }

  private Behavior<Command> onWatchEnded(WatchEnded m) {
    timers.startSingleTimer("relist", new Relist(), Duration.ofMillis(200));
    return this;
  }

  private void upsert(ObjectNode pod) {
    String uid = Json.metaText(pod, "uid");
    if (stopping.contains(uid)) {
      return;
    }
    ActorRef<PodWorker.Command> worker = workers.get(uid);
    if (worker == null) {
      List<ContainerHandle> adopted = adoptable.getOrDefault(uid, List.of());
      adoptable.remove(uid);
      worker = getContext().spawn(PodWorker.create(workerContext, pod, adopted), "pod-" + uid);
      getContext().watchWith(worker, new WorkerStopped(uid));
      workers.put(uid, worker);
      return;
    }
    worker.tell(new PodWorker.PodChanged(pod));
  }

  private void remove(String uid) {
    ActorRef<PodWorker.Command> worker = workers.get(uid);
    if (worker != null && stopping.add(uid)) {
      worker.tell(new PodWorker.PodRemoved());
    }
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped m) {
    workers.remove(m.uid());
    stopping.remove(m.uid());
    return this;
  }
}
