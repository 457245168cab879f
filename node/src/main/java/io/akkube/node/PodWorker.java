package io.akkube.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.quantity.Quantity;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.WriteOptions;
import io.akkube.node.PodStatusBuilder.ContainerView;
import io.akkube.node.PodStatusBuilder.Verdict;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerConfig;
import io.akkube.node.runtime.ContainerRuntime.ContainerExit;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.Limits;
import io.akkube.node.runtime.ContainerRuntime.Signal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One pod on this node, from first sync to deletion (the kubelet's pod worker + SyncPod): volumes,
 * init containers one by one, app containers, hooks, probes, restarts with back-off,
 * activeDeadlineSeconds, graceful termination, and the pod's status, written coalesced. Blocking
 * runtime calls run on {@code blocking}; their results come back as messages.
 */
public final class PodWorker extends AbstractBehavior<PodWorker.Command> {

  public sealed interface Command {}

  /** The API's current pod (from the agent's list or watch). */
  public record PodChanged(ObjectNode pod) implements Command {}

  /** The API no longer has the pod (deleted at once or force-deleted): kill, clean up, stop. */
  public record PodRemoved() implements Command {}

  /** A probe's result changed (from a {@link ProbeWorker}). */
  public record ProbeChanged(
      String container, String handleId, ProbeWorker.Kind kind, boolean success, String message)
      implements Command {}

  /** The API's mirror of this static pod (its status is written there). */
  public record MirrorChanged(ObjectNode mirror) implements Command {}

  private record Sync() implements Command {}

  private record RefreshVolumes() implements Command {}

  private record VolumesRefreshed(String error) implements Command {}

  private record VolumesReady(Map<String, Path> volumes, String error, String podIp)
      implements Command {}

  private record Started(
      String container, ContainerHandle handle, String configError, String error, String reason)
      implements Command {
    Started(String container, ContainerHandle handle, String configError, String error) {
      this(container, handle, configError, error, "");
    }
  }

  private record Exited(String container, String handleId, ContainerExit exit) implements Command {}

  private record PostStartDone(String container, String handleId, Handlers.Outcome outcome)
      implements Command {}

  private record PreStopDone(String container, String handleId) implements Command {}

  private record PreStopTimeout(String container, String handleId) implements Command {}

  private record KillNow(String container, String handleId) implements Command {}

  private record WriteStatus() implements Command {}

  private record StatusWritten(boolean ok, boolean gone) implements Command {}

  private record DeadlineExceeded() implements Command {}

  private record Finished() implements Command {}

  /** What every worker of the node shares. */
  public record Context(
      ObjectStore store,
      ContainerRuntime runtime,
      EventRecorder events,
      Executor blocking,
      String nodeName,
      String hostIp,
      Path podsDir,
      Backoff backoff,
      Duration statusDelay,
      Duration volumeRefresh,
      io.akkube.node.dns.PodDns podDns,
      Clock clock) {}

  /** One container of the pod. */
  private static final class Slot {
    final String name;
    final JsonNode spec;
    final boolean init;
    ContainerState state;
    Optional<ContainerState.Terminated> lastState = Optional.empty();
    int restartCount;
    boolean everStarted;
    Duration backoffWindow = Duration.ZERO;
    Instant restartAt = Instant.EPOCH;
    ContainerHandle handle;
    boolean starting;
    boolean ready;
    boolean started;
    boolean killing;
    boolean preStopRunning;
    Instant killStarted;
    Duration killGrace = Duration.ZERO;
    boolean killedByUs;
    final List<ActorRef<ProbeWorker.Command>> probes = new ArrayList<>();

    Slot(String name, JsonNode spec, boolean init) {
      this.name = name;
      this.spec = spec;
      this.init = init;
      this.state = new ContainerState.Waiting(init ? "" : "ContainerCreating", "");
    }

    boolean succeeded() {
      return state instanceof ContainerState.Terminated t && t.exitCode() == 0;
    }

    String containerId(String runtime) {
      if (handle != null) {
        return handle.containerId(runtime);
      }
      if (state instanceof ContainerState.Terminated t) {
        return t.containerId();
      }
      return lastState.map(ContainerState.Terminated::containerId).orElse("");
    }
  }

  private final TimerScheduler<Command> timers;
  private final Context ctx;
  private ObjectNode pod;
  private final String uid;
  private final Map<String, Slot> initSlots = new LinkedHashMap<>();
  private final Map<String, Slot> appSlots = new LinkedHashMap<>();
  private final Path podDir;
  private Map<String, Path> volumes;
  private boolean settingUpVolumes;
  private Instant lastVolumeAttempt = Instant.EPOCH;
  private Optional<Verdict> verdict = Optional.empty();
  private boolean terminating;
  private boolean finishing;
  private final Instant startTime;
  private boolean dirty;
  private boolean writing;
  private JsonNode lastWritten;
  private boolean limitsWarned;

  /**
   * status.podIP, the default host of probes and hooks, the downward API's status.podIP: the pod's
   * own address from the runtime, else the node's; empty while its sandbox is still to be made.
   */
  private String podIp;

  /** A static pod (from a manifest file) has no API object of its own, only a mirror. */
  private final boolean staticPod;

  private ObjectNode mirror;

  /** Turned away by the node's admission: never run, its status says only why. */
  private final boolean rejected;

  /**
   * @param adopted containers of this pod the runtime still knows (after an agent restart)
   * @param rejection the verdict of the node's admission, when it turned the pod away
   */
  public static Behavior<Command> create(
      Context ctx, ObjectNode pod, List<ContainerHandle> adopted, Optional<Verdict> rejection) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new PodWorker(context, timers, ctx, pod, adopted, rejection)));
  }

  private PodWorker(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Context ctx,
      ObjectNode pod,
      List<ContainerHandle> adopted,
      Optional<Verdict> rejection) {
    super(context);
    this.timers = timers;
    this.ctx = ctx;
    this.pod = pod;
    this.uid = Json.metaText(pod, "uid");
    this.staticPod = StaticPods.isStatic(pod);
    this.podDir = ctx.podsDir().resolve(Json.namespace(pod) + "_" + Json.name(pod) + "_" + uid);
    String oldStart = Json.text(pod.path("status"), "startTime");
    this.startTime = oldStart.isEmpty() ? ctx.clock().instant() : Instant.parse(oldStart);
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      initSlots.put(Json.text(c, "name"), new Slot(Json.text(c, "name"), c, true));
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      appSlots.put(Json.text(c, "name"), new Slot(Json.text(c, "name"), c, false));
    }
    restoreFromStatus(adopted);
    // an adopted sandbox has its address already; a new one gets it with the sandbox
    this.podIp =
        ctx.runtime().podCidr().isPresent() && !hostNetwork()
            ? ctx.runtime().podAddress(uid).orElse("")
            : ctx.hostIp();
    JsonNode oldStatus = pod.path("status");
    rejected =
        rejection.isPresent()
            || (verdict.isPresent()
                && !oldStatus.has("containerStatuses")
                && Json.text(oldStatus, "message").startsWith("Pod was rejected: "));
    if (rejection.isPresent() && verdict.isEmpty()) {
      verdict = rejection;
      Verdict r = rejection.get();
      ctx.events()
          .pod(
              pod,
              EventRecorder.WARNING,
              r.reason(),
              r.message().substring(r.message().indexOf(": ") + 2));
    }
    long deadline = pod.path("spec").path("activeDeadlineSeconds").asLong(0);
    if (deadline > 0) {
      Duration left = Duration.between(ctx.clock().instant(), startTime.plusSeconds(deadline));
      timers.startSingleTimer(new DeadlineExceeded(), left.isNegative() ? Duration.ZERO : left);
    }
    // as a change: a pod that is already being deleted goes straight to termination
    context.getSelf().tell(new PodChanged(pod));
    timers.startTimerWithFixedDelay("refresh-volumes", new RefreshVolumes(), ctx.volumeRefresh());
    markDirty();
  }

  /** After an agent restart: counts and finished containers from the status, live ones adopted. */
  private void restoreFromStatus(List<ContainerHandle> adopted) {
    JsonNode status = pod.path("status");
    String phase = Json.text(status, "phase");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      verdict =
          Optional.of(
              new Verdict(phase, Json.text(status, "reason"), Json.text(status, "message")));
    }
    for (String field : List.of("initContainerStatuses", "containerStatuses")) {
      Map<String, Slot> slots = field.startsWith("init") ? initSlots : appSlots;
      for (JsonNode cs : status.path(field)) {
        Slot slot = slots.get(Json.text(cs, "name"));
        if (slot == null) {
          continue;
        }
        slot.restartCount = cs.path("restartCount").asInt(0);
        JsonNode state = cs.path("state");
        slot.everStarted = state.has("running") || state.has("terminated") || slot.restartCount > 0;
        if (state.has("terminated")) {
          slot.state = terminated(state.get("terminated"));
        }
        if (cs.path("lastState").has("terminated")) {
          slot.lastState = Optional.of(terminated(cs.path("lastState").get("terminated")));
        }
      }
    }
    // The newest record of each container is adopted: alive, it keeps running (no restart, no
    // postStart again); ended while the agent was down, its completion reports how, and the
    // restart that follows is counted. Anything older is a leftover: killed and forgotten.
    Map<String, ContainerHandle> newest = new HashMap<>();
    for (ContainerHandle h : adopted) {
      ContainerHandle seen = newest.get(h.containerName());
      if (seen == null || seen.attempt() < h.attempt()) {
        if (seen != null) {
          discard(seen);
        }
        newest.put(h.containerName(), h);
      } else {
        discard(h);
      }
    }
    for (ContainerHandle h : newest.values()) {
      Slot slot = slot(h.containerName());
      if (slot == null) {
        discard(h);
        continue;
      }
      slot.everStarted = true;
      // the status may predate the last start (written coalesced): the attempt number does not
      slot.restartCount = Math.max(slot.restartCount, h.attempt());
      running(slot, h, false);
      getContext()
          .getLog()
          .info("pod {}: adopted container {} (pid {})", key(), slot.name, h.pid());
    }
  }

  /** Kills a container nobody owns any more and lets the runtime forget it. */
  private void discard(ContainerHandle h) {
    ContainerRuntime runtime = ctx.runtime();
    CompletableFuture.runAsync(() -> runtime.signal(h, Signal.KILL), ctx.blocking())
        .thenCompose(ignored -> runtime.completion(h));
  }

  private static ContainerState.Terminated terminated(JsonNode t) {
    return new ContainerState.Terminated(
        t.path("exitCode").asInt(),
        Json.text(t, "reason"),
        Json.text(t, "message"),
        parse(Json.text(t, "startedAt")),
        parse(Json.text(t, "finishedAt")),
        Json.text(t, "containerID"));
  }

  private static Instant parse(String ts) {
    return ts.isEmpty() ? null : Instant.parse(ts);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PodChanged.class, this::onPodChanged)
        .onMessage(PodRemoved.class, m -> onRemoved())
        .onMessage(MirrorChanged.class, this::onMirrorChanged)
        .onMessage(RefreshVolumes.class, m -> refreshVolumes())
        .onMessage(VolumesRefreshed.class, this::onVolumesRefreshed)
        .onMessage(Sync.class, m -> sync())
        .onMessage(VolumesReady.class, this::onVolumes)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Exited.class, this::onExited)
        .onMessage(PostStartDone.class, this::onPostStart)
        .onMessage(ProbeChanged.class, this::onProbe)
        .onMessage(PreStopDone.class, m -> onPreStopEnded(m.container(), m.handleId(), false))
        .onMessage(PreStopTimeout.class, m -> onPreStopEnded(m.container(), m.handleId(), true))
        .onMessage(KillNow.class, this::onKillNow)
        .onMessage(WriteStatus.class, m -> writeStatus())
        .onMessage(StatusWritten.class, this::onStatusWritten)
        .onMessage(DeadlineExceeded.class, m -> onDeadline())
        .onMessage(Finished.class, m -> Behaviors.stopped())
        .build();
  }

  // ---- reconciling -------------------------------------------------------------------------

  private Behavior<Command> onPodChanged(PodChanged m) {
    if (staticPod && !StaticPods.isStatic(m.pod())) {
      return this;
    }
    pod = m.pod();
    if (!terminating && pod.path("metadata").has("deletionTimestamp")) {
      long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(30);
      beginTermination(Duration.ofSeconds(grace));
    }
    return sync();
  }

  private Behavior<Command> sync() {
    if (terminating || verdict.isPresent()) {
      return this;
    }
    Instant now = ctx.clock().instant();
    if (volumes == null) {
      if (!settingUpVolumes && !lastVolumeAttempt.plusSeconds(2).isAfter(now)) {
        setUpVolumes();
      }
      return this;
    }
    String policy = PodStatusBuilder.restartPolicy(pod);
    for (Slot slot : initSlots.values()) {
      if (slot.succeeded()) {
        continue;
      }
      if (slot.handle != null || slot.starting) {
        return this;
      }
      if (slot.state instanceof ContainerState.Terminated t
          && !RestartDecision.shouldRetryInit(policy, t.exitCode())) {
        return this; // failed under restartPolicy Never: the pod has failed
      }
      if (!slot.restartAt.isAfter(now)) {
        start(slot);
      }
      return this;
    }
    for (Slot slot : appSlots.values()) {
      if (slot.handle == null
          && !slot.starting
          && !(slot.state instanceof ContainerState.Terminated t
              && !RestartDecision.shouldRestart(policy, t.exitCode()))
          && !slot.restartAt.isAfter(now)) {
        if (initSlots.isEmpty() || initSlots.values().stream().allMatch(Slot::succeeded)) {
          start(slot);
        }
      }
    }
    return this;
  }

  private void setUpVolumes() {
    settingUpVolumes = true;
    lastVolumeAttempt = ctx.clock().instant();
    ObjectNode snapshot = pod;
    ContainerRuntime.Sandbox sandbox =
        new ContainerRuntime.Sandbox(
            uid, Json.namespace(pod), Json.name(pod), hostname(), podDir, snapshot);
    boolean hostNetwork = hostNetwork();
    CompletionStage<VolumesReady> result =
        fetchSources(snapshot)
            .thenApplyAsync(
                sources -> {
                  ctx.runtime().createSandbox(sandbox);
                  String ip =
                      hostNetwork
                          ? ctx.hostIp()
                          : ctx.runtime().podAddress(uid).orElse(ctx.hostIp());
                  try {
                    return new VolumesReady(
                        PodVolumes.setUp(snapshot, podDir, sources.withPodIp(ip)), "", ip);
                  } catch (PodVolumes.VolumeError e) {
                    return new VolumesReady(Map.of(), e.getMessage(), ip);
                  }
                },
                ctx.blocking());
    String knownIp = podIp;
    getContext()
        .pipeToSelf(
            result,
            (ok, failure) ->
                ok != null
                    ? ok
                    : new VolumesReady(
                        Map.of(), "MountVolume.SetUp failed: " + cause(failure), knownIp));
  }

  private boolean hostNetwork() {
    return pod.path("spec").path("hostNetwork").asBoolean(false);
  }

  private Behavior<Command> onVolumes(VolumesReady m) {
    settingUpVolumes = false;
    if (!m.podIp().equals(podIp)) {
      podIp = m.podIp();
      markDirty();
    }
    if (!m.error().isEmpty()) {
      ctx.events().pod(pod, EventRecorder.WARNING, "FailedMount", m.error());
      timers.startSingleTimer("volumes", new Sync(), Duration.ofSeconds(2));
      return this;
    }
    volumes = m.volumes();
    if (!limitsWarned && declaresLimits() && !ctx.runtime().limitsNotEnforcedReason().isEmpty()) {
      limitsWarned = true;
      ctx.events()
          .pod(
              pod,
              EventRecorder.WARNING,
              "LimitsNotEnforced",
              "resource limits are not enforced on node "
                  + ctx.nodeName()
                  + ": "
                  + ctx.runtime().limitsNotEnforcedReason());
    }
    return sync();
  }

  /**
   * The kubelet's periodic resync of configMap, secret and downwardAPI volumes: files follow their
   * source (rewritten only when their content changes; keys that went away are removed).
   */
  private Behavior<Command> refreshVolumes() {
    if (volumes == null || settingUpVolumes || terminating || verdict.isPresent()) {
      return this;
    }
    JsonNode spec = pod.path("spec");
    boolean projected = false;
    for (JsonNode v : spec.path("volumes")) {
      projected |= v.has("configMap") || v.has("secret") || v.has("downwardAPI");
    }
    if (!projected) {
      return this;
    }
    settingUpVolumes = true;
    ObjectNode snapshot = pod;
    CompletionStage<VolumesRefreshed> result =
        fetchSources(snapshot)
            .thenApplyAsync(
                sources -> {
                  try {
                    PodVolumes.setUp(snapshot, podDir, sources);
                    return new VolumesRefreshed("");
                  } catch (PodVolumes.VolumeError e) {
                    return new VolumesRefreshed(e.getMessage());
                  }
                },
                ctx.blocking());
    getContext()
        .pipeToSelf(
            result,
            (ok, failure) ->
                ok != null
                    ? ok
                    : new VolumesRefreshed("MountVolume.SetUp failed: " + cause(failure)));
    return this;
  }

  private Behavior<Command> onVolumesRefreshed(VolumesRefreshed m) {
    settingUpVolumes = false;
    if (!m.error().isEmpty() && !terminating) {
      ctx.events().pod(pod, EventRecorder.WARNING, "FailedMount", m.error());
    }
    return this;
  }

  private Behavior<Command> onMirrorChanged(MirrorChanged m) {
    boolean replaced =
        mirror == null || !Json.metaText(mirror, "uid").equals(Json.metaText(m.mirror(), "uid"));
    mirror = m.mirror();
    if (replaced) {
      lastWritten = null; // a new mirror starts without our status
      markDirty();
    }
    return this;
  }

  private boolean declaresLimits() {
    for (Slot s : allSlots()) {
      if (s.spec.path("resources").path("limits").size() > 0) {
        return true;
      }
    }
    return false;
  }

  private void start(Slot slot) {
    slot.starting = true;
    ObjectNode snapshot = pod;
    Map<String, Path> vols = volumes;
    int attempt = slot.everStarted ? slot.restartCount + 1 : slot.restartCount;
    CompletableFuture<Map<String, String>> serviceEnv = serviceEnv(snapshot);
    CompletionStage<Started> result =
        fetchSources(snapshot)
            .thenCombine(serviceEnv, (sources, services) -> sources)
            .thenApplyAsync(
                sources -> {
                  List<String> argv = new ArrayList<>();
                  slot.spec.path("command").forEach(c -> argv.add(c.asText()));
                  if (argv.isEmpty() && ctx.runtime().name().equals("process")) {
                    return new Started(
                        slot.name,
                        null,
                        "the process runtime needs a command: container "
                            + slot.name
                            + " sets no command (images are not run by this node)",
                        "");
                  }
                  Map<String, String> env;
                  try {
                    env = ContainerEnv.resolve(snapshot, slot.spec, sources);
                    // The container's own variables win over the services' (as the kubelet).
                    serviceEnv.join().forEach(env::putIfAbsent);
                  } catch (ContainerEnv.ConfigError e) {
                    return new Started(slot.name, null, e.getMessage(), "");
                  }
                  List<String> args = new ArrayList<>();
                  slot.spec.path("args").forEach(a -> args.add(a.asText()));
                  List<String> command = new ArrayList<>(EnvExpansion.expandAll(argv, env));
                  command.addAll(EnvExpansion.expandAll(args, env));
                  if (command.isEmpty()) {
                    command.add("true");
                  }
                  List<ContainerRuntime.Mount> mounts;
                  try {
                    mounts = PodVolumes.mounts(slot.spec, vols);
                    mounts = ctx.podDns().withResolvConf(mounts, snapshot, podDir);
                  } catch (PodVolumes.VolumeError e) {
                    return new Started(slot.name, null, e.getMessage(), "");
                  }
                  Path log = podDir.resolve("logs").resolve(slot.name).resolve(attempt + ".log");
                  // for runtimes that run images (docker-api): command and args apart
                  List<JsonNode> pullSecrets = new ArrayList<>();
                  for (JsonNode ref : snapshot.path("spec").path("imagePullSecrets")) {
                    sources.secret().apply(Json.text(ref, "name")).ifPresent(pullSecrets::add);
                  }
                  String fieldPath = EventRecorder.containerFieldPath(slot.name, slot.init);
                  ContainerRuntime.EngineSpec engine =
                      new ContainerRuntime.EngineSpec(
                          snapshot,
                          slot.spec,
                          EnvExpansion.expandAll(argv, env),
                          EnvExpansion.expandAll(args, env),
                          pullSecrets,
                          (type, reason, message) ->
                              ctx.events().record(snapshot, fieldPath, type, reason, message));
                  ContainerConfig config =
                      new ContainerConfig(
                          uid,
                          slot.name,
                          attempt,
                          command,
                          env,
                          Json.text(slot.spec, "workingDir"),
                          mounts,
                          limits(slot.spec),
                          log,
                          hostname(),
                          engine);
                  try {
                    return new Started(slot.name, ctx.runtime().start(config), "", "");
                  } catch (ContainerRuntime.StartFailure e) {
                    return new Started(slot.name, null, "", e.getMessage(), e.reason());
                  } catch (RuntimeException e) {
                    return new Started(slot.name, null, "", String.valueOf(e.getMessage()));
                  }
                },
                ctx.blocking());
    getContext()
        .pipeToSelf(
            result,
            (ok, failure) -> ok != null ? ok : new Started(slot.name, null, "", cause(failure)));
  }

  private Behavior<Command> onStarted(Started m) {
    Slot slot = slot(m.container());
    slot.starting = false;
    String fieldPath = EventRecorder.containerFieldPath(slot.name, slot.init);
    if (m.handle() == null) {
      String reason =
          !m.reason().isEmpty()
              ? m.reason()
              : m.configError().isEmpty() ? "RunContainerError" : "CreateContainerConfigError";
      String message = m.configError().isEmpty() ? m.error() : m.configError();
      slot.state = new ContainerState.Waiting(reason, message);
      // an image's reasons are the event's text (Error: ErrImagePull), as the kubelet writes them
      ctx.events()
          .record(
              pod,
              fieldPath,
              EventRecorder.WARNING,
              "Failed",
              "Error: " + (m.reason().isEmpty() ? message : m.reason()));
      slot.restartAt = ctx.clock().instant().plusSeconds(2);
      timers.startSingleTimer("retry-" + slot.name, new Sync(), Duration.ofSeconds(2));
      markDirty();
      return this;
    }
    if (slot.everStarted) {
      slot.restartCount++;
    }
    slot.everStarted = true;
    ctx.events()
        .record(pod, fieldPath, EventRecorder.NORMAL, "Created", "Created container " + slot.name);
    ctx.events()
        .record(pod, fieldPath, EventRecorder.NORMAL, "Started", "Started container " + slot.name);
    running(slot, m.handle(), true);
    if (terminating || verdict.isPresent()) {
      kill(slot, Duration.ZERO, false);
    }
    markDirty();
    return this;
  }

  /** The slot now runs {@code handle}: watch its end, run postStart, then its probes. */
  private void running(Slot slot, ContainerHandle handle, boolean runPostStart) {
    slot.handle = handle;
    slot.state = new ContainerState.Running(handle.startedAt());
    slot.ready = false;
    slot.started = false;
    slot.killing = false;
    slot.killedByUs = false;
    getContext()
        .pipeToSelf(
            ctx.runtime().completion(handle),
            (exit, failure) ->
                new Exited(
                    slot.name,
                    handle.id(),
                    exit != null ? exit : new ContainerExit(137, false, ctx.clock().instant())));
    JsonNode postStart = slot.spec.path("lifecycle").get("postStart");
    if (runPostStart && postStart != null) {
      JsonNode spec = slot.spec;
      String ip = podIp;
      getContext()
          .pipeToSelf(
              CompletableFuture.supplyAsync(
                  () ->
                      Handlers.run(
                          postStart, ctx.runtime(), handle, spec, ip, Duration.ofSeconds(30)),
                  ctx.blocking()),
              (outcome, failure) ->
                  new PostStartDone(
                      slot.name,
                      handle.id(),
                      outcome != null ? outcome : new Handlers.Outcome(false, cause(failure))));
      return;
    }
    startProbes(slot);
  }

  private Behavior<Command> onPostStart(PostStartDone m) {
    Slot slot = slot(m.container());
    if (slot.handle == null || !slot.handle.id().equals(m.handleId()) || slot.killing) {
      return this;
    }
    if (!m.outcome().success()) {
      String fieldPath = EventRecorder.containerFieldPath(slot.name, slot.init);
      ctx.events()
          .record(
              pod,
              fieldPath,
              EventRecorder.WARNING,
              "FailedPostStartHook",
              "PostStartHook failed: " + m.outcome().message());
      kill(slot, gracePeriod(), false);
      return this;
    }
    startProbes(slot);
    return this;
  }

  private void startProbes(Slot slot) {
    if (slot.init) {
      slot.started = true;
      return;
    }
    JsonNode startup = slot.spec.get("startupProbe");
    if (startup != null) {
      spawnProbe(slot, ProbeWorker.Kind.STARTUP, startup);
    } else {
      probesAfterStartup(slot);
    }
    markDirty();
  }

  private void probesAfterStartup(Slot slot) {
    slot.started = true;
    JsonNode liveness = slot.spec.get("livenessProbe");
    JsonNode readiness = slot.spec.get("readinessProbe");
    if (liveness != null) {
      spawnProbe(slot, ProbeWorker.Kind.LIVENESS, liveness);
    }
    if (readiness != null) {
      spawnProbe(slot, ProbeWorker.Kind.READINESS, readiness);
    } else {
      slot.ready = true;
    }
  }

  private void spawnProbe(Slot slot, ProbeWorker.Kind kind, JsonNode probe) {
    slot.probes.add(
        getContext()
            .spawnAnonymous(
                ProbeWorker.create(
                    kind,
                    probe,
                    pod,
                    slot.spec,
                    slot.handle,
                    podIp,
                    ctx.runtime(),
                    ctx.blocking(),
                    ctx.events(),
                    getContext().getSelf())));
  }

  private void stopProbes(Slot slot) {
    slot.probes.forEach(p -> getContext().stop(p));
    slot.probes.clear();
  }

  private Behavior<Command> onProbe(ProbeChanged m) {
    Slot slot = slot(m.container());
    if (slot.handle == null || !slot.handle.id().equals(m.handleId()) || slot.killing) {
      return this;
    }
    String fieldPath = EventRecorder.containerFieldPath(slot.name, slot.init);
    switch (m.kind()) {
      case STARTUP -> {
        if (m.success()) {
          probesAfterStartup(slot);
        } else {
          ctx.events()
              .record(
                  pod,
                  fieldPath,
                  EventRecorder.NORMAL,
                  "Killing",
                  "Container " + slot.name + " failed startup probe, will be restarted");
          kill(slot, probeGrace(slot.spec.get("startupProbe")), true);
        }
      }
      case LIVENESS -> {
        if (!m.success()) {
          ctx.events()
              .record(
                  pod,
                  fieldPath,
                  EventRecorder.NORMAL,
                  "Killing",
                  "Container " + slot.name + " failed liveness probe, will be restarted");
          kill(slot, probeGrace(slot.spec.get("livenessProbe")), true);
        }
      }
      case READINESS -> slot.ready = m.success();
    }
    markDirty();
    return this;
  }

  private Duration probeGrace(JsonNode probe) {
    JsonNode g = probe == null ? null : probe.get("terminationGracePeriodSeconds");
    return g != null && g.isNumber() ? Duration.ofSeconds(g.asLong()) : gracePeriod();
  }

  private Duration gracePeriod() {
    return Duration.ofSeconds(
        Math.max(0, pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)));
  }

  // ---- stopping containers ------------------------------------------------------------------

  /**
   * preStop (bounded by the grace period, +2 s once if it is still running then), SIGTERM, and
   * SIGKILL when the grace period ends.
   */
  private void kill(Slot slot, Duration grace, boolean runPreStop) {
    if (slot.handle == null || slot.killing) {
      return;
    }
    slot.killing = true;
    slot.killedByUs = true;
    slot.ready = false;
    slot.killStarted = ctx.clock().instant();
    slot.killGrace = grace;
    stopProbes(slot);
    ContainerHandle handle = slot.handle;
    JsonNode preStop = slot.spec.path("lifecycle").get("preStop");
    if (runPreStop && preStop != null && !grace.isZero()) {
      slot.preStopRunning = true;
      JsonNode spec = slot.spec;
      String ip = podIp;
      getContext()
          .pipeToSelf(
              CompletableFuture.supplyAsync(
                  () -> Handlers.run(preStop, ctx.runtime(), handle, spec, ip, grace),
                  ctx.blocking()),
              (outcome, failure) -> {
                if (outcome != null && !outcome.success()) {
                  ctx.events()
                      .record(
                          pod,
                          EventRecorder.containerFieldPath(slot.name, slot.init),
                          EventRecorder.WARNING,
                          "FailedPreStopHook",
                          "PreStopHook failed: " + outcome.message());
                }
                return new PreStopDone(slot.name, handle.id());
              });
      timers.startSingleTimer(
          "prestop-" + slot.name, new PreStopTimeout(slot.name, handle.id()), grace);
      return;
    }
    terminate(slot, grace);
  }

  private void terminate(Slot slot, Duration untilKill) {
    ContainerHandle handle = slot.handle;
    CompletableFuture.runAsync(() -> ctx.runtime().signal(handle, Signal.TERM), ctx.blocking());
    timers.startSingleTimer("kill-" + slot.name, new KillNow(slot.name, handle.id()), untilKill);
  }

  private Behavior<Command> onPreStopEnded(String container, String handleId, boolean timedOut) {
    Slot slot = slot(container);
    if (slot.handle == null || !slot.handle.id().equals(handleId) || !slot.preStopRunning) {
      return this;
    }
    slot.preStopRunning = false;
    timers.cancel("prestop-" + slot.name);
    Duration left =
        timedOut
            ? Duration.ofSeconds(2)
            : slot.killGrace.minus(Duration.between(slot.killStarted, ctx.clock().instant()));
    terminate(slot, left.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : left);
    return this;
  }

  private Behavior<Command> onKillNow(KillNow m) {
    Slot slot = slot(m.container());
    if (slot.handle != null && slot.handle.id().equals(m.handleId())) {
      ContainerHandle handle = slot.handle;
      CompletableFuture.runAsync(() -> ctx.runtime().signal(handle, Signal.KILL), ctx.blocking());
    }
    return this;
  }

  private Behavior<Command> onExited(Exited m) {
    Slot slot = slot(m.container());
    if (slot.handle == null || !slot.handle.id().equals(m.handleId())) {
      return this;
    }
    Instant now = ctx.clock().instant();
    ContainerExit exit = m.exit();
    Instant startedAt = slot.handle.startedAt();
    ContainerState.Terminated term =
        new ContainerState.Terminated(
            exit.exitCode(),
            RestartDecision.terminatedReason(exit.exitCode(), exit.oomKilled()),
            "",
            startedAt,
            exit.finishedAt(),
            slot.handle.containerId(ctx.runtime().name()));
    stopProbes(slot);
    timers.cancel("kill-" + slot.name);
    timers.cancel("prestop-" + slot.name);
    slot.handle = null;
    slot.ready = false;
    slot.started = false;
    slot.killing = false;
    slot.preStopRunning = false;
    markDirty();
    if (terminating || verdict.isPresent()) {
      slot.state = term;
      maybeFinish();
      return this;
    }
    String policy = PodStatusBuilder.restartPolicy(pod);
    boolean restart =
        slot.init
            ? RestartDecision.shouldRetryInit(policy, exit.exitCode())
            : RestartDecision.shouldRestart(policy, exit.exitCode());
    if (!restart) {
      slot.state = term;
      return sync();
    }
    Backoff.Step step = ctx.backoff().next(slot.backoffWindow, Duration.between(startedAt, now));
    slot.backoffWindow = step.window();
    slot.lastState = Optional.of(term);
    slot.restartAt = now.plus(step.delay());
    if (step.delay().isZero()) {
      slot.state = term;
      return sync();
    }
    String podRef = Json.name(pod) + "_" + Json.namespace(pod) + "(" + uid + ")";
    slot.state =
        new ContainerState.Waiting(
            "CrashLoopBackOff",
            "back-off "
                + step.delay().toSeconds()
                + "s restarting failed container="
                + slot.name
                + " pod="
                + podRef);
    ctx.events()
        .record(
            pod,
            EventRecorder.containerFieldPath(slot.name, slot.init),
            EventRecorder.WARNING,
            "BackOff",
            "Back-off restarting failed container " + slot.name + " in pod " + podRef);
    timers.startSingleTimer("restart-" + slot.name, new Sync(), step.delay());
    return this;
  }

  // ---- the pod's end ------------------------------------------------------------------------

  private Behavior<Command> onDeadline() {
    if (verdict.isPresent() || terminating) {
      return this;
    }
    String message = "Pod was active on the node longer than the specified deadline";
    verdict = Optional.of(new Verdict("Failed", "DeadlineExceeded", message));
    ctx.events().pod(pod, EventRecorder.WARNING, "DeadlineExceeded", message);
    for (Slot slot : allSlots()) {
      killWithEvent(slot, gracePeriod());
    }
    markDirty();
    return this;
  }

  private void killWithEvent(Slot slot, Duration grace) {
    if (slot.handle != null && !slot.killing) {
      ctx.events()
          .record(
              pod,
              EventRecorder.containerFieldPath(slot.name, slot.init),
              EventRecorder.NORMAL,
              "Killing",
              "Stopping container " + slot.name);
      kill(slot, grace, true);
    }
  }

  private void beginTermination(Duration grace) {
    terminating = true;
    for (Slot slot : allSlots()) {
      timers.cancel("restart-" + slot.name);
      killWithEvent(slot, grace);
    }
    maybeFinish();
  }

  private void maybeFinish() {
    if (!terminating || finishing) {
      return;
    }
    for (Slot slot : allSlots()) {
      if (slot.handle != null || slot.starting) {
        return;
      }
    }
    finishing = true;
    if (staticPod) {
      // no API object to complete: the agent removes the mirror once this worker is gone
      ctx.events().forget(uid);
      getContext()
          .pipeToSelf(
              CompletableFuture.runAsync(() -> ctx.runtime().removeSandbox(uid), ctx.blocking()),
              (ok, failure) -> new Finished());
      return;
    }
    String ns = Json.namespace(pod);
    String name = Json.name(pod);
    ObjectNode withStatus = pod.deepCopy();
    withStatus.set("status", status());
    Json.meta(withStatus).remove("resourceVersion");
    CompletionStage<Object> done =
        ctx.store()
            .update(ResourceTypes.PODS, ns, name, withStatus, "status", WriteOptions.DEFAULT)
            .handle((ok, failure) -> null)
            .thenApplyAsync(
                ignored -> {
                  ctx.runtime().removeSandbox(uid);
                  return null;
                },
                ctx.blocking())
            .thenCompose(
                ignored ->
                    ctx.store()
                        .delete(
                            ResourceTypes.PODS,
                            ns,
                            name,
                            new DeleteOptions(0L, uid, null, null, false)))
            .handle(
                (ok, failure) -> {
                  if (failure != null) {
                    getContext()
                        .getLog()
                        .info("pod {}: final delete not done: {}", key(), cause(failure));
                  }
                  return null;
                });
    getContext().pipeToSelf(done, (ok, failure) -> new Finished());
  }

  private Behavior<Command> onRemoved() {
    terminating = true;
    List<ContainerHandle> handles = new ArrayList<>();
    for (Slot slot : allSlots()) {
      stopProbes(slot);
      if (slot.handle != null) {
        handles.add(slot.handle);
      }
    }
    ctx.events().forget(uid);
    CompletableFuture<Void> cleanup =
        CompletableFuture.runAsync(
            () -> {
              handles.forEach(h -> ctx.runtime().signal(h, Signal.KILL));
              ctx.runtime().removeSandbox(uid);
            },
            ctx.blocking());
    getContext().pipeToSelf(cleanup, (ok, failure) -> new Finished());
    return this;
  }

  // ---- status -------------------------------------------------------------------------------

  private void markDirty() {
    dirty = true;
    if (!writing && !timers.isTimerActive("status")) {
      timers.startSingleTimer("status", new WriteStatus(), ctx.statusDelay());
    }
  }

  private ObjectNode status() {
    if (rejected) {
      // rejectPod: phase, reason and message (and the QoS class), no container statuses
      ObjectNode status = Json.MAPPER.createObjectNode();
      Verdict v = verdict.orElseThrow();
      status.put("phase", v.phase()).put("reason", v.reason()).put("message", v.message());
      String qos = Json.text(statusTarget().path("status"), "qosClass");
      if (!qos.isEmpty()) {
        status.put("qosClass", qos);
      }
      return status;
    }
    List<ContainerView> init = new ArrayList<>();
    List<ContainerView> app = new ArrayList<>();
    for (Slot s : initSlots.values()) {
      init.add(view(s));
    }
    boolean initDone = initSlots.values().stream().allMatch(Slot::succeeded);
    for (Slot s : appSlots.values()) {
      ContainerView v = view(s);
      if (!initDone && s.handle == null && !s.everStarted) {
        v =
            new ContainerView(
                v.name(),
                v.image(),
                new ContainerState.Waiting("PodInitializing", ""),
                v.lastState(),
                false,
                false,
                v.restartCount(),
                v.containerId());
      }
      app.add(v);
    }
    for (int i = 0; i < init.size(); i++) {
      ContainerView v = init.get(i);
      if (v.state() instanceof ContainerState.Waiting w && w.reason().isEmpty()) {
        init.set(
            i,
            new ContainerView(
                v.name(),
                v.image(),
                new ContainerState.Waiting("PodInitializing", ""),
                v.lastState(),
                v.ready(),
                v.started(),
                v.restartCount(),
                v.containerId()));
      }
    }
    return PodStatusBuilder.build(
        statusTarget(), init, app, verdict, ctx.hostIp(), podIp, startTime, ctx.clock().instant());
  }

  /** The API object the status goes to: the pod itself, or a static pod's mirror. */
  private ObjectNode statusTarget() {
    return staticPod && mirror != null ? mirror : pod;
  }

  private ContainerView view(Slot s) {
    return new ContainerView(
        s.name,
        Json.text(s.spec, "image"),
        s.state,
        s.lastState,
        s.ready && s.handle != null,
        s.started && s.handle != null,
        s.restartCount,
        s.containerId(ctx.runtime().name()));
  }

  private Behavior<Command> writeStatus() {
    if (finishing) {
      return this;
    }
    if (staticPod && mirror == null) {
      return this; // written once the mirror exists
    }
    dirty = false;
    ObjectNode status = status();
    if (status.equals(lastWritten)) {
      return this;
    }
    writing = true;
    ObjectNode target = statusTarget();
    ObjectNode withStatus = target.deepCopy();
    withStatus.set("status", status);
    Json.meta(withStatus).remove("resourceVersion");
    getContext()
        .pipeToSelf(
            ctx.store()
                .update(
                    ResourceTypes.PODS,
                    Json.namespace(target),
                    Json.name(target),
                    withStatus,
                    "status",
                    WriteOptions.DEFAULT),
            (ok, failure) -> {
              if (ok != null) {
                return new StatusWritten(true, false);
              }
              Throwable c = unwrap(failure);
              boolean gone = c instanceof ApiException api && api.status().code() == 404;
              if (!gone) {
                getContext().getLog().info("pod {}: status not written: {}", key(), c.toString());
              }
              return new StatusWritten(false, gone);
            });
    lastWritten = status;
    return this;
  }

  private Behavior<Command> onStatusWritten(StatusWritten m) {
    writing = false;
    if (!m.ok()) {
      lastWritten = null;
      if (!m.gone()) {
        dirty = true;
        timers.startSingleTimer("status", new WriteStatus(), Duration.ofSeconds(1));
        return this;
      }
    }
    if (dirty) {
      markDirty();
    }
    return this;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * The service environment variables (issue 6): from the services of the pod's namespace and the
   * master service as they are when the container starts; none if they cannot be listed.
   */
  private CompletableFuture<Map<String, String>> serviceEnv(JsonNode pod) {
    String ns = Json.namespace(pod);
    CompletableFuture<List<ObjectNode>> local = listServices(ns);
    CompletableFuture<List<ObjectNode>> master =
        ns.equals("default")
            ? CompletableFuture.completedFuture(List.of())
            : listServices("default");
    return local.thenCombine(
        master,
        (a, b) -> {
          List<ObjectNode> all = new ArrayList<>(a);
          all.addAll(b);
          return io.akkube.core.api.core.v1.ServiceEnv.forPod(
              ns, io.akkube.core.api.core.v1.ServiceEnv.enableServiceLinks(pod), all);
        });
  }

  private CompletableFuture<List<ObjectNode>> listServices(String ns) {
    return ctx.store()
        .list(ResourceTypes.SERVICES, io.akkube.core.store.ListOptions.inNamespace(ns))
        .thenApply(r -> r.items().stream().map(io.akkube.core.store.StoredObject::object).toList())
        .exceptionally(failure -> List.of())
        .toCompletableFuture();
  }

  private CompletionStage<ContainerEnv.Sources> fetchSources(JsonNode snapshot) {
    List<String> configMaps = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    JsonNode spec = snapshot.path("spec");
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("configMap")) {
        configMaps.add(Json.text(v.get("configMap"), "name"));
      }
      if (v.has("secret")) {
        secrets.add(Json.text(v.get("secret"), "secretName"));
      }
    }
    for (JsonNode ref : spec.path("imagePullSecrets")) {
      secrets.add(Json.text(ref, "name"));
    }
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode from : c.path("envFrom")) {
          if (from.has("configMapRef")) {
            configMaps.add(Json.text(from.get("configMapRef"), "name"));
          }
          if (from.has("secretRef")) {
            secrets.add(Json.text(from.get("secretRef"), "name"));
          }
        }
        for (JsonNode e : c.path("env")) {
          JsonNode vf = e.path("valueFrom");
          if (vf.has("configMapKeyRef")) {
            configMaps.add(Json.text(vf.get("configMapKeyRef"), "name"));
          }
          if (vf.has("secretKeyRef")) {
            secrets.add(Json.text(vf.get("secretKeyRef"), "name"));
          }
        }
      }
    }
    String ns = Json.namespace(snapshot);
    Map<String, CompletableFuture<Optional<JsonNode>>> cms = new HashMap<>();
    Map<String, CompletableFuture<Optional<JsonNode>>> secs = new HashMap<>();
    configMaps.forEach(n -> cms.computeIfAbsent(n, k -> get(ResourceTypes.CONFIG_MAPS, ns, k)));
    secrets.forEach(n -> secs.computeIfAbsent(n, k -> get(ResourceTypes.SECRETS, ns, k)));
    List<CompletableFuture<?>> all = new ArrayList<>(cms.values());
    all.addAll(secs.values());
    String cpu = nodeAllocatable("cpu");
    String memory = nodeAllocatable("memory");
    String ip = podIp;
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored ->
                new ContainerEnv.Sources(
                    name -> cms.containsKey(name) ? cms.get(name).join() : Optional.empty(),
                    name -> secs.containsKey(name) ? secs.get(name).join() : Optional.empty(),
                    ctx.hostIp(),
                    ip,
                    cpu,
                    memory));
  }

  private CompletableFuture<Optional<JsonNode>> get(
      io.akkube.core.api.ResourceType type, String ns, String name) {
    return ctx.store()
        .get(type, ns, name)
        .<Optional<JsonNode>>thenApply(s -> Optional.of(s.object()))
        .exceptionally(failure -> Optional.empty())
        .toCompletableFuture();
  }

  private static String nodeAllocatable(String resource) {
    return resource.equals("cpu")
        ? Integer.toString(Runtime.getRuntime().availableProcessors())
        : Long.toString(
            ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize());
  }

  private static Limits limits(JsonNode container) {
    JsonNode limits = container.path("resources").path("limits");
    long memory = 0;
    long cpu = 0;
    try {
      if (limits.has("memory")) {
        memory = Quantity.parse(limits.get("memory").asText()).amount().longValue();
      }
      if (limits.has("cpu")) {
        cpu =
            Quantity.parse(limits.get("cpu").asText())
                .amount()
                .movePointRight(3)
                .setScale(0, java.math.RoundingMode.CEILING)
                .longValue();
      }
    } catch (RuntimeException e) {
      // validated by the API; nothing to enforce if it cannot be read
    }
    return new Limits(memory, cpu);
  }

  private String hostname() {
    String h = Json.text(pod.path("spec"), "hostname");
    return h.isEmpty() ? Json.name(pod) : h;
  }

  private Slot slot(String name) {
    Slot s = appSlots.get(name);
    return s != null ? s : initSlots.get(name);
  }

  private List<Slot> allSlots() {
    List<Slot> all = new ArrayList<>(initSlots.values());
    all.addAll(appSlots.values());
    return all;
  }

  private String key() {
    return Json.namespace(pod) + "/" + Json.name(pod) + " on " + ctx.nodeName();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static String cause(Throwable t) {
    Throwable c = unwrap(t);
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
