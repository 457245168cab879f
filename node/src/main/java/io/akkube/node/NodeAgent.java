package io.akkube.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import io.akkube.core.store.WriteOptions;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node agent (one per node): registers the Node, lists then watches the pods bound to it
 * ({@code spec.nodeName=<me>}, re-listing whenever the watch ends), runs one {@link PodWorker} per
 * pod uid, and kills what runs here for pods the API no longer has.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NodeAgent.class);

  public sealed interface Command {}

  private record Registered(Throwable failure) implements Command {}

  private record Listed(ListResult result, Throwable failure) implements Command {}

  private record Event(WatchEvent event) implements Command {}

  private record WatchEnded(long generation) implements Command {}

  private record Relist() implements Command {}

  private record WorkerStopped(String uid) implements Command {}

  /** Time to read the static pod manifests again (a file changed, or the periodic check). */
  private record ScanManifests() implements Command {}

  private record MirrorWritten(String uid, Throwable failure) implements Command {}

  /** Time for a heartbeat to the node-lifecycle singleton. */
  private record Beat() implements Command {}

  /**
   * Settings of one agent (config {@code akkube.node}).
   *
   * @param podManifestPath the static pods' directory, or empty
   * @param fileCheckFrequency how often that directory is read even without a change notice
   * @param volumeRefresh how often configMap, secret and downwardAPI volume files are refreshed
   * @param podDns the pods' resolv.conf (cluster DNS, domain, host file)
   */
  public record Settings(
      String nodeName,
      String address,
      Path stateDir,
      Backoff backoff,
      Duration statusDelay,
      Optional<Path> podManifestPath,
      Duration fileCheckFrequency,
      Duration volumeRefresh,
      io.akkube.node.dns.PodDns podDns) {

    /** An agent whose pods keep the host's /etc/resolv.conf. */
    public Settings(
        String nodeName,
        String address,
        Path stateDir,
        Backoff backoff,
        Duration statusDelay,
        Optional<Path> podManifestPath,
        Duration fileCheckFrequency,
        Duration volumeRefresh) {
      this(
          nodeName,
          address,
          stateDir,
          backoff,
          statusDelay,
          podManifestPath,
          fileCheckFrequency,
          volumeRefresh,
          io.akkube.node.dns.PodDns.NONE);
    }

    /** An agent without static pods, refreshing volumes every minute as the kubelet does. */
    public Settings(
        String nodeName, String address, Path stateDir, Backoff backoff, Duration statusDelay) {
      this(
          nodeName,
          address,
          stateDir,
          backoff,
          statusDelay,
          Optional.empty(),
          Duration.ofSeconds(20),
          Duration.ofMinutes(1));
    }
  }

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final ContainerRuntime runtime;
  private final Settings settings;
  private final Heartbeats heartbeats;
  private final PodWorker.Context workerContext;
  private final Map<String, ActorRef<PodWorker.Command>> workers = new HashMap<>();
  private final Set<String> stopping = new HashSet<>();
  private Map<String, List<ContainerHandle>> adoptable = new HashMap<>();
  private long watchGeneration;

  /** The newest object of every pod a worker runs (admission counts their ports). */
  private final Map<String, ObjectNode> pods = new HashMap<>();

  /** Pods admission turned away: they hold no ports. */
  private final Set<String> rejected = new HashSet<>();

  /** Static pods from the manifest directory, by uid. */
  private Map<String, ObjectNode> staticPods = new LinkedHashMap<>();

  /** Mirror pods in the API, by namespace/name. */
  private final Map<String, ObjectNode> mirrors = new HashMap<>();

  /** Static pods whose mirror is being created or replaced. */
  private final Set<String> mirrorWrites = new HashSet<>();

  /** Mirrors are written only once the API's pods (and so its mirrors) have been listed. */
  private boolean listed;

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
    return fromConfig(store, node, runtime, nodeName, address, Heartbeats.NONE, clock);
  }

  /** The agent of this machine on {@code runtime}, heartbeating to {@code heartbeats}. */
  public static Behavior<Command> fromConfig(
      ObjectStore store,
      com.typesafe.config.Config node,
      ContainerRuntime runtime,
      String nodeName,
      String address,
      Heartbeats heartbeats,
      Clock clock) {
    Path stateDir = Path.of(node.getString("state-dir")).toAbsolutePath();
    Backoff backoff =
        new Backoff(
            node.getDuration("backoff-initial"),
            node.getDuration("backoff-max"),
            node.getDuration("backoff-reset"));
    String manifests = node.hasPath("pod-manifest-path") ? node.getString("pod-manifest-path") : "";
    return create(
        store,
        runtime,
        new Settings(
            nodeName,
            address,
            stateDir,
            backoff,
            node.getDuration("status-delay"),
            manifests.isBlank()
                ? Optional.empty()
                : Optional.of(Path.of(manifests).toAbsolutePath()),
            duration(node, "file-check-frequency", Duration.ofSeconds(20)),
            duration(node, "volume-refresh", Duration.ofMinutes(1)),
            io.akkube.node.dns.PodDns.fromConfig(node)),
        heartbeats,
        clock);
  }

  private static Duration duration(com.typesafe.config.Config c, String path, Duration fallback) {
    return c.hasPath(path) ? c.getDuration(path) : fallback;
  }

  public static Behavior<Command> create(
      ObjectStore store, ContainerRuntime runtime, Settings settings, Clock clock) {
    return create(store, runtime, settings, Heartbeats.NONE, clock);
  }

  private static Behavior<Command> create(
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      Heartbeats heartbeats,
      Clock clock) {
    return create(
        store,
        runtime,
        settings,
        new NodeRegistration(store, settings.nodeName(), settings.address(), runtime.version())
            .withPodCidr(runtime.podCidr()),
        heartbeats,
        clock);
  }

  /** An agent registering its Node as {@code registration} says (hollow nodes). */
  public static Behavior<Command> create(
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      NodeRegistration registration,
      Clock clock) {
    return create(store, runtime, settings, registration, Heartbeats.NONE, clock);
  }

  /** An agent that also heartbeats to {@code heartbeats} once registered. */
  public static Behavior<Command> create(
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      NodeRegistration registration,
      Heartbeats heartbeats,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new NodeAgent(
                        ctx, timers, store, runtime, settings, registration, heartbeats, clock)));
  }

  private NodeAgent(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      ContainerRuntime runtime,
      Settings settings,
      NodeRegistration registration,
      Heartbeats heartbeats,
      Clock clock) {
    super(ctx);
    this.heartbeats = heartbeats;
    if (!heartbeats.interval().isZero()) {
      timers.startTimerWithFixedDelay("heartbeat", new Beat(), heartbeats.interval());
      heartbeats.beat(settings.nodeName());
    }
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
            settings.volumeRefresh(),
            settings.podDns(),
            clock);
    for (ContainerHandle h : runtime.containers()) {
      adoptable.computeIfAbsent(h.podUid(), k -> new ArrayList<>()).add(h);
    }
    // Static pods first: they are not in the API's list, and their running containers must be
    // adopted, not killed as orphans, when that list arrives.
    settings
        .podManifestPath()
        .ifPresent(
            dir -> {
              scanManifests();
              watchManifests(dir, ctx.getSelf());
              timers.startTimerWithFixedDelay(
                  "manifests", new ScanManifests(), settings.fileCheckFrequency());
            });
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
        .onMessage(ScanManifests.class, m -> scanManifests())
        .onMessage(MirrorWritten.class, this::onMirrorWritten)
        .onMessage(Beat.class, this::onBeat)
        .build();
  }

  private Behavior<Command> onBeat(Beat m) {
    heartbeats.beat(settings.nodeName());
    return this;
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
    Set<String> present = new HashSet<>(staticPods.keySet());
    Set<String> mirrorsListed = new HashSet<>();
    // the kubelet admits pods in creation order: the older pod keeps a contested port
    List<ObjectNode> items = new ArrayList<>();
    m.result().items().forEach(item -> items.add(item.object()));
    items.sort(
        Comparator.comparing((ObjectNode p) -> Json.metaText(p, "creationTimestamp"))
            .thenComparing(Json::name));
    for (ObjectNode pod : items) {
      if (StaticPods.isMirror(pod)) {
        mirrorsListed.add(key(pod));
        mirrorChanged(pod);
        continue;
      }
      present.add(Json.metaText(pod, "uid"));
      upsert(pod);
    }
    for (String key : List.copyOf(mirrors.keySet())) {
      if (!mirrorsListed.contains(key)) {
        mirrorGone(mirrors.get(key));
      }
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
    listed = true;
    staticPods.values().forEach(this::syncMirror);
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
    if (StaticPods.isMirror(e.object())) {
      switch (e.type()) {
        case "ADDED", "MODIFIED" -> mirrorChanged(e.object());
        case "DELETED" -> mirrorGone(e.object());
        default -> {}
      }
      return this;
    }
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
      Optional<PodStatusBuilder.Verdict> rejection = Optional.empty();
      if (!PodAdmission.terminal(pod) && !pod.path("metadata").has("deletionTimestamp")) {
        rejection = PodAdmission.admit(pod, portHolders(), runtime.containerPortsAreHostPorts());
        rejection.ifPresent(
            r -> {
              rejected.add(uid);
              getContext()
                  .getLog()
                  .info("node {}: pod {} rejected: {}", settings.nodeName(), key(pod), r.message());
            });
      }
      List<ContainerHandle> adopted = adoptable.getOrDefault(uid, List.of());
      adoptable.remove(uid);
      worker =
          getContext()
              .spawn(PodWorker.create(workerContext, pod, adopted, rejection), "pod-" + uid);
      getContext().watchWith(worker, new WorkerStopped(uid));
      workers.put(uid, worker);
      pods.put(uid, pod);
      return;
    }
    if (!StaticPods.isStatic(pod) || staticPods.containsKey(uid)) {
      pods.put(uid, pod);
    }
    worker.tell(new PodWorker.PodChanged(pod));
  }

  /** The pods whose ports are taken: admitted, running here, not finished. */
  private List<ObjectNode> portHolders() {
    List<ObjectNode> holders = new ArrayList<>();
    pods.forEach(
        (uid, pod) -> {
          if (!rejected.contains(uid) && !PodAdmission.terminal(pod)) {
            holders.add(pod);
          }
        });
    return holders;
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
    rejected.remove(m.uid());
    ObjectNode pod = pods.remove(m.uid());
    if (pod != null && StaticPods.isStatic(pod) && !staticPods.containsKey(m.uid())) {
      deleteMirrorOf(pod);
    }
    return this;
  }

  // ---- static pods --------------------------------------------------------------------------

  private Behavior<Command> scanManifests() {
    Path dir = settings.podManifestPath().orElseThrow();
    Map<String, ObjectNode> found =
        StaticPods.read(dir, settings.nodeName(), workerContext.clock().instant());
    Map<String, ObjectNode> before = staticPods;
    staticPods = found;
    for (var e : before.entrySet()) {
      if (!found.containsKey(e.getKey())) {
        // the file went away (or changed): stop the pod as a deletion would, with its grace
        ObjectNode gone = e.getValue().deepCopy();
        ObjectNode meta = Json.meta(gone);
        meta.put("deletionTimestamp", workerContext.clock().instant().toString());
        meta.put(
            "deletionGracePeriodSeconds",
            gone.path("spec").path("terminationGracePeriodSeconds").asLong(30));
        getContext()
            .getLog()
            .info("node {}: static pod {} removed", settings.nodeName(), key(gone));
        upsert(gone);
      }
    }
    for (var e : found.entrySet()) {
      if (!before.containsKey(e.getKey())) {
        getContext()
            .getLog()
            .info("node {}: static pod {} from {}", settings.nodeName(), key(e.getValue()), dir);
        upsert(e.getValue());
      }
      syncMirror(e.getValue());
    }
    return this;
  }

  /** A daemon thread turns the directory's inotify notices into scans. */
  private static void watchManifests(Path dir, ActorRef<Command> self) {
    Thread t =
        new Thread(
            () -> {
              try (WatchService watcher = dir.getFileSystem().newWatchService()) {
                dir.register(
                    watcher,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
                while (true) {
                  WatchKey key = watcher.take();
                  key.pollEvents();
                  self.tell(new ScanManifests());
                  if (!key.reset()) {
                    return;
                  }
                }
              } catch (IOException | RuntimeException e) {
                log.info("static pod directory {} not watched ({}); read periodically", dir, e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "static-pods-" + dir.getFileName());
    t.setDaemon(true);
    t.start();
  }

  /**
   * The kubelet keeps one mirror per static pod: created when missing, deleted and created again
   * when it stands for another version of the pod or someone deleted it.
   */
  private void syncMirror(ObjectNode staticPod) {
    String uid = Json.metaText(staticPod, "uid");
    if (!listed
        || mirrorWrites.contains(uid)
        || !workers.containsKey(uid)
        || stopping.contains(uid)) {
      return;
    }
    ObjectNode mirror = mirrors.get(key(staticPod));
    if (mirror != null
        && StaticPods.mirrorHash(mirror).equals(uid)
        && !mirror.path("metadata").has("deletionTimestamp")) {
      workers.get(uid).tell(new PodWorker.MirrorChanged(mirror));
      return;
    }
    mirrorWrites.add(uid);
    String ns = Json.namespace(staticPod);
    String name = Json.name(staticPod);
    CompletionStage<?> replaced =
        mirror == null
            ? CompletableFuture.completedFuture(null)
            : store
                .delete(
                    ResourceTypes.PODS,
                    ns,
                    name,
                    new DeleteOptions(0L, Json.metaText(mirror, "uid"), null, null, false))
                .handle((ok, failure) -> null);
    CompletionStage<?> created =
        replaced
            .thenCompose(
                ignored ->
                    store
                        .get(ResourceTypes.NODES, "", settings.nodeName())
                        .handle((node, failure) -> node == null ? null : node.object()))
            .thenCompose(
                node ->
                    store.create(
                        ResourceTypes.PODS,
                        ns,
                        StaticPods.mirrorOf(staticPod, node),
                        WriteOptions.DEFAULT));
    getContext().pipeToSelf(created, (ok, failure) -> new MirrorWritten(uid, failure));
  }

  private Behavior<Command> onMirrorWritten(MirrorWritten m) {
    mirrorWrites.remove(m.uid());
    if (m.failure() != null) {
      getContext()
          .getLog()
          .info(
              "node {}: mirror pod of static pod {} not written (retried): {}",
              settings.nodeName(),
              m.uid(),
              m.failure().toString());
    }
    return this;
  }

  private void mirrorChanged(ObjectNode mirror) {
    mirrors.put(key(mirror), mirror);
    reconcileMirror(mirror);
  }

  private void mirrorGone(ObjectNode mirror) {
    ObjectNode known = mirrors.get(key(mirror));
    if (known != null && Json.metaText(known, "uid").equals(Json.metaText(mirror, "uid"))) {
      mirrors.remove(key(mirror));
    }
    reconcileMirror(mirror);
  }

  private void reconcileMirror(ObjectNode mirror) {
    for (ObjectNode staticPod : staticPods.values()) {
      if (key(staticPod).equals(key(mirror))) {
        syncMirror(staticPod);
        return;
      }
    }
    // the mirror of no static pod of ours (its manifest went away): the kubelet deletes it
    if (settings.podManifestPath().isPresent()
        && !workers.containsKey(StaticPods.mirrorHash(mirror))
        && mirrors.containsKey(key(mirror))) {
      deleteMirrorOf(mirror);
    }
  }

  private void deleteMirrorOf(ObjectNode pod) {
    ObjectNode mirror = mirrors.get(key(pod));
    if (mirror == null || staticPods.values().stream().anyMatch(p -> key(p).equals(key(pod)))) {
      return; // a newer version of the pod keeps (and corrects) its mirror
    }
    store
        .delete(
            ResourceTypes.PODS,
            Json.namespace(mirror),
            Json.name(mirror),
            new DeleteOptions(0L, Json.metaText(mirror, "uid"), null, null, false))
        .exceptionally(failure -> null);
  }

  private static String key(JsonNode pod) {
    return Json.namespace(pod) + "/" + Json.name(pod);
  }
}
