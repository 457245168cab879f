package io.akkube.cluster.scheduling;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.scheduling.SchedulingQueue.QueuedPod;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.scheduling.ScheduleResult;
import io.akkube.core.scheduling.SchedulingAlgorithm;
import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.WriteOptions;
import io.akkube.node.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default-scheduler (DESIGN.md §5), a cluster singleton. Informers keep a node-info cache
 * (every node with its bound and assumed pods) and feed pods without a node into the {@link
 * SchedulingQueue}; each cycle runs {@link SchedulingAlgorithm} on a snapshot of that cache,
 * assumes the pod on the chosen node and binds it asynchronously through pods/binding (a failed
 * binding forgets the assumption and retries the pod after its back-off). A pod that fits nowhere
 * gets the PodScheduled=False condition and a FailedScheduling event with kube's wording; when
 * preemption found room, the victims are deleted and the pod's status.nominatedNodeName set.
 */
public final class Scheduler extends AbstractBehavior<Scheduler.Command> {

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  public static final String NAME = "default-scheduler";

  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private record RunCycle() implements Command {}

  private record BindDone(QueuedPod pod, String node, Throwable failure) implements Command {}

  private record Flush() implements Command {}

  /**
   * @param initialBackoff back-off after the first failed attempt (kube: 1 s), doubling
   * @param maxBackoff longest back-off (kube: 10 s)
   * @param maxUnschedulable how long a pod may stay parked as unschedulable before it is retried
   *     anyway (kube: 5 min)
   * @param maxBindsInFlight bindings outstanding at once; the cycle pauses beyond this
   * @param podsPerCycleMessage pods scheduled per message, so informer updates interleave
   */
  public record Settings(
      Duration initialBackoff,
      Duration maxBackoff,
      Duration maxUnschedulable,
      int maxBindsInFlight,
      int podsPerCycleMessage) {

    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(5), 256, 64);
    }
  }

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final Clock clock;
  private final Settings settings;
  private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();
  private final Random random = new Random();
  private final EventRecorder events;
  private final SchedulingQueue queue;

  private final Map<String, ObjectNode> nodeObjects = new LinkedHashMap<>();
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();

  /** Pods on a node (bound, or assumed while their binding is in flight), by uid. */
  private final Map<String, PodInfo> assigned = new HashMap<>();

  /** Assumed pods: the node each was assumed on, until the watch shows it bound. */
  private final Map<String, String> assumed = new HashMap<>();

  private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
  private final Map<String, ObjectNode> priorityClasses = new HashMap<>();
  private final Set<ResourceType> synced = new HashSet<>();
  private ClusterSnapshot snapshot;
  private int nextStartNodeIndex;
  private int bindsInFlight;
  private boolean cycleRequested;

  public static Behavior<Command> create(ObjectStore store, Clock clock) {
    return create(store, clock, Settings.defaults());
  }

  public static Behavior<Command> create(ObjectStore store, Clock clock, Settings settings) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Scheduler(ctx, timers, store, clock, settings)));
  }

  private Scheduler(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ObjectStore store,
      Clock clock,
      Settings settings) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.events = new EventRecorder(store, NAME, "", clock);
    this.queue =
        new SchedulingQueue(
            settings.initialBackoff(), settings.maxBackoff(), settings.maxUnschedulable());
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    for (ResourceType type :
        List.of(
            ResourceTypes.NODES,
            ResourceTypes.NAMESPACES,
            ResourceTypes.PRIORITY_CLASSES,
            ResourceTypes.PODS)) {
      ctx.spawn(Informer.create(store, type, "", informed), "informer-" + type.plural());
    }
    timers.startTimerWithFixedDelay(new Flush(), Duration.ofMillis(500));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Informed.class, this::onInformed)
        .onMessage(RunCycle.class, this::onRunCycle)
        .onMessage(BindDone.class, this::onBindDone)
        .onMessage(Flush.class, this::onFlush)
        .build();
  }

  // ---- informers: the node-info cache and the queue ----

  private Behavior<Command> onInformed(Informed m) {
    Informer.Update u = m.update();
    if (u instanceof Informer.Synced s) {
      onSynced(s);
    } else if (u instanceof Informer.Changed c) {
      boolean deleted = c.eventType().equals("DELETED");
      ResourceType type = c.type();
      if (type.equals(ResourceTypes.PODS)) {
        if (deleted) {
          podDeleted(c.object());
        } else {
          podChanged(c.object());
        }
      } else if (type.equals(ResourceTypes.NODES)) {
        nodeChanged(c.object(), deleted);
      } else if (type.equals(ResourceTypes.NAMESPACES)) {
        namespaceChanged(c.object(), deleted);
      } else if (type.equals(ResourceTypes.PRIORITY_CLASSES)) {
        if (deleted) {
          priorityClasses.remove(Json.name(c.object()));
        } else {
          priorityClasses.put(Json.name(c.object()), c.object());
        }
      }
    }
    requestCycle();
    return this;
  }

  private void onSynced(Informer.Synced s) {
    ResourceType type = s.type();
    synced.add(type);
    if (type.equals(ResourceTypes.NODES)) {
      nodeObjects.clear();
      s.objects().forEach(n -> nodeObjects.put(Json.name(n), n));
      rebuildNodes();
      queue.moveAllUnschedulable(System.nanoTime());
    } else if (type.equals(ResourceTypes.NAMESPACES)) {
      namespaceLabels.clear();
      s.objects().forEach(ns -> namespaceChanged(ns, false));
    } else if (type.equals(ResourceTypes.PRIORITY_CLASSES)) {
      priorityClasses.clear();
      s.objects().forEach(pc -> priorityClasses.put(Json.name(pc), pc));
    } else if (type.equals(ResourceTypes.PODS)) {
      Set<String> present = new HashSet<>();
      Map<String, PodInfo> inFlight = new HashMap<>();
      assumed.keySet().forEach(uid -> inFlight.put(uid, assigned.get(uid)));
      assigned.clear();
      assigned.putAll(inFlight);
      for (ObjectNode pod : s.objects()) {
        present.add(Json.metaText(pod, "uid"));
        podChanged(pod);
      }
      for (String uid : List.copyOf(assigned.keySet())) {
        if (!present.contains(uid)) {
          assigned.remove(uid);
          assumed.remove(uid);
        }
      }
      rebuildNodes();
      // Queued pods that no longer exist.
      List<String> gone = new ArrayList<>();
      for (String uid : queue.uids()) {
        if (!present.contains(uid)) {
          gone.add(uid);
        }
      }
      gone.forEach(queue::remove);
    }
  }

  private void rebuildNodes() {
    nodes.clear();
    nodeObjects.forEach((name, n) -> nodes.put(name, NodeInfo.of(n)));
    for (PodInfo p : assigned.values()) {
      NodeInfo n = nodes.get(p.nodeName());
      if (n != null) {
        nodes.put(n.name(), n.withPod(p));
      }
    }
    snapshot = null;
  }

  private void podChanged(ObjectNode pod) {
    String uid = Json.metaText(pod, "uid");
    JsonNode spec = pod.path("spec");
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      // Finished pods hold no resources (kube-scheduler's informer drops them).
      if (unassign(uid)) {
        queue.moveAllUnschedulable(System.nanoTime());
      }
      dequeue(uid);
      return;
    }
    String nodeName = Json.text(spec, "nodeName");
    if (!nodeName.isEmpty()) {
      dequeue(uid);
      assumed.remove(uid);
      PodInfo info = podInfo(pod, nodeObjects.get(nodeName));
      PodInfo previous = assigned.put(uid, info);
      if (info.equals(previous)) {
        return;
      }
      if (previous != null) {
        nodes.computeIfPresent(previous.nodeName(), (k, n) -> n.withoutPod(uid));
      }
      nodes.computeIfPresent(nodeName, (k, n) -> n.withPod(info));
      snapshot = null;
      return;
    }
    if (assumed.containsKey(uid)) {
      return; // its binding is in flight
    }
    boolean terminating = pod.path("metadata").hasNonNull("deletionTimestamp");
    if (!NAME.equals(spec.path("schedulerName").asText(NAME)) || terminating) {
      dequeue(uid);
      return;
    }
    queue.addOrUpdate(uid, pod, podInfo(pod, null), System.nanoTime());
  }

  private void podDeleted(ObjectNode pod) {
    String uid = Json.metaText(pod, "uid");
    dequeue(uid);
    events.forget(uid);
    if (unassign(uid)) {
      queue.moveAllUnschedulable(System.nanoTime());
    }
  }

  private void dequeue(String uid) {
    queue.remove(uid);
  }

  /** Takes a pod off its node in the cache; whether it was on one. */
  private boolean unassign(String uid) {
    assumed.remove(uid);
    PodInfo previous = assigned.remove(uid);
    if (previous == null) {
      return false;
    }
    nodes.computeIfPresent(previous.nodeName(), (k, n) -> n.withoutPod(uid));
    snapshot = null;
    return true;
  }

  private void nodeChanged(ObjectNode node, boolean deleted) {
    String name = Json.name(node);
    ObjectNode previous = deleted ? nodeObjects.remove(name) : nodeObjects.put(name, node);
    snapshot = null;
    if (deleted) {
      nodes.remove(name);
      return;
    }
    NodeInfo current = nodes.get(name);
    if (current == null) {
      NodeInfo info = NodeInfo.of(node);
      for (PodInfo p : assigned.values()) {
        if (p.nodeName().equals(name)) {
          info = info.withPod(p);
        }
      }
      nodes.put(name, info);
      queue.moveAllUnschedulable(System.nanoTime());
      return;
    }
    NodeInfo changed = current.withNode(node);
    nodes.put(name, changed);
    if (previous == null || schedulingRelevantChange(current, changed)) {
      queue.moveAllUnschedulable(System.nanoTime());
    }
  }

  private static boolean schedulingRelevantChange(NodeInfo before, NodeInfo after) {
    return !before.labels().equals(after.labels())
        || !before.taints().equals(after.taints())
        || before.unschedulable() != after.unschedulable()
        || !before.allocatable().equals(after.allocatable());
  }

  private void namespaceChanged(ObjectNode ns, boolean deleted) {
    if (deleted) {
      namespaceLabels.remove(Json.name(ns));
    } else {
      namespaceLabels.put(Json.name(ns), Json.labels(ns));
    }
    snapshot = null;
  }

  /**
   * The scheduler's view of a pod. A pod without spec.priority takes its PriorityClass's value (or
   * the global default class's), as the Priority admission plugin would have set it. Pods run by
   * the process runtime claim their container ports on the host.
   */
  private PodInfo podInfo(ObjectNode pod, ObjectNode node) {
    ObjectNode effective = pod;
    JsonNode spec = pod.path("spec");
    if (!spec.has("priority") && !priorityClasses.isEmpty()) {
      ObjectNode pc = priorityClass(Json.text(spec, "priorityClassName"));
      if (pc != null) {
        effective = pod.deepCopy();
        ObjectNode s = (ObjectNode) effective.path("spec");
        s.put("priority", pc.path("value").asInt(0));
        if (!s.has("preemptionPolicy") && pc.has("preemptionPolicy")) {
          s.put("preemptionPolicy", pc.path("preemptionPolicy").asText());
        }
      }
    }
    boolean processRuntime =
        node != null
            && node.path("status")
                .path("nodeInfo")
                .path("containerRuntimeVersion")
                .asText("")
                .startsWith("process:");
    return PodInfo.of(effective, processRuntime);
  }

  private ObjectNode priorityClass(String name) {
    if (!name.isEmpty()) {
      return priorityClasses.get(name);
    }
    for (ObjectNode pc : priorityClasses.values()) {
      if (pc.path("globalDefault").asBoolean(false)) {
        return pc;
      }
    }
    return null;
  }

  // ---- scheduling cycles ----

  private void requestCycle() {
    if (!cycleRequested && queue.hasActive() && ready()) {
      cycleRequested = true;
      getContext().getSelf().tell(new RunCycle());
    }
  }

  private boolean ready() {
    return synced.contains(ResourceTypes.NODES)
        && synced.contains(ResourceTypes.PODS)
        && synced.contains(ResourceTypes.PRIORITY_CLASSES)
        && bindsInFlight < settings.maxBindsInFlight();
  }

  private Behavior<Command> onRunCycle(RunCycle m) {
    cycleRequested = false;
    for (int i = 0; i < settings.podsPerCycleMessage() && ready(); i++) {
      var next = queue.pop(System.nanoTime());
      if (next.isEmpty()) {
        break;
      }
      scheduleOne(next.get());
    }
    requestCycle();
    return this;
  }

  private ClusterSnapshot snapshot() {
    if (snapshot == null) {
      snapshot = new ClusterSnapshot(new ArrayList<>(nodes.values()), namespaceLabels);
    }
    return snapshot;
  }

  private void scheduleOne(QueuedPod q) {
    ScheduleResult result;
    try {
      result = algorithm.schedule(q.info, snapshot(), nextStartNodeIndex, random);
    } catch (RuntimeException e) {
      getContext().getLog().warn("scheduling {} failed", q.info.key(), e);
      queue.backoff(q, System.nanoTime());
      return;
    }
    nextStartNodeIndex = result.nextStartNodeIndex();
    if (result instanceof ScheduleResult.Scheduled s) {
      assume(q, s.nodeName());
    } else if (result instanceof ScheduleResult.Unschedulable u) {
      unschedulable(q, u);
    }
  }

  private void assume(QueuedPod q, String nodeName) {
    ObjectNode pod = q.pod.deepCopy();
    ((ObjectNode) pod.path("spec")).put("nodeName", nodeName);
    PodInfo info = podInfo(pod, nodeObjects.get(nodeName));
    dequeue(q.uid);
    assigned.put(q.uid, info);
    assumed.put(q.uid, nodeName);
    nodes.computeIfPresent(nodeName, (k, n) -> n.withPod(info));
    snapshot = null;
    bindsInFlight++;
    getContext()
        .pipeToSelf(
            store.bind(q.info.namespace(), q.info.name(), nodeName),
            (ok, failure) -> new BindDone(q, nodeName, failure));
  }

  private Behavior<Command> onBindDone(BindDone m) {
    bindsInFlight--;
    QueuedPod q = m.pod();
    if (m.failure() == null) {
      events.pod(
          q.pod,
          EventRecorder.NORMAL,
          "Scheduled",
          "Successfully assigned " + q.info.key() + " to " + m.node());
    } else {
      Throwable cause = unwrap(m.failure());
      if (m.node().equals(assumed.get(q.uid))) {
        unassign(q.uid);
      }
      int code = cause instanceof ApiException api ? api.status().code() : 0;
      if (code == 404 || code == 409) {
        // Deleted, or bound by someone else: the watch brings the truth.
        getContext().getLog().debug("binding {} not needed: {}", q.info.key(), cause.toString());
      } else {
        getContext()
            .getLog()
            .info(
                "binding {} to {} failed, retrying: {}", q.info.key(), m.node(), cause.toString());
        events.pod(
            q.pod,
            EventRecorder.WARNING,
            "FailedScheduling",
            "Binding rejected: " + cause.getMessage());
        queue.backoff(q, System.nanoTime());
      }
    }
    requestCycle();
    return this;
  }

  private void unschedulable(QueuedPod q, ScheduleResult.Unschedulable u) {
    queue.parkUnschedulable(q, System.nanoTime());
    u.nomination().ifPresent(n -> preempt(q, n));
    events.pod(q.pod, EventRecorder.WARNING, "FailedScheduling", u.message());
    if (!u.message().equals(q.lastMessage)) {
      q.lastMessage = u.message();
      setUnschedulableCondition(q, u.message());
    }
  }

  private void setUnschedulableCondition(QueuedPod q, String message) {
    ObjectNode patch = Json.MAPPER.createObjectNode();
    ObjectNode condition = patch.putObject("status").putArray("conditions").addObject();
    condition.put("type", "PodScheduled");
    condition.put("status", "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", ObjectLifecycle.timestamp(clock.instant()));
    condition.put("reason", "Unschedulable");
    condition.put("message", message);
    patchStatus(q.info, patch);
  }

  /**
   * The victims the dry run chose are deleted (gracefully, as kube-scheduler does) and the pod is
   * nominated to the node; it is retried when the victims are gone.
   */
  private void preempt(QueuedPod q, ScheduleResult.Nomination nomination) {
    String node = nomination.nodeName();
    for (PodInfo victim : nomination.victims()) {
      ObjectNode ref = Json.MAPPER.createObjectNode();
      ObjectNode meta = ref.putObject("metadata");
      meta.put("name", victim.name()).put("namespace", victim.namespace()).put("uid", victim.uid());
      events.pod(
          ref,
          EventRecorder.NORMAL,
          "Preempted",
          "Preempted by pod " + q.info.uid() + " on node " + node);
      store
          .delete(
              ResourceTypes.PODS,
              victim.namespace(),
              victim.name(),
              new DeleteOptions(null, victim.uid(), null, null, false))
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  log.info(
                      "preemption victim {} not deleted: {}", victim.key(), failure.toString());
                }
              });
    }
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.putObject("status").put("nominatedNodeName", node);
    patchStatus(q.info, patch);
    getContext()
        .getLog()
        .info(
            "pod {} nominated to {}, preempting {} pod(s)",
            q.info.key(),
            node,
            nomination.victims().size());
  }

  private void patchStatus(PodInfo pod, ObjectNode patch) {
    store
        .patch(
            ResourceTypes.PODS,
            pod.namespace(),
            pod.name(),
            PatchType.STRATEGIC_MERGE_PATCH,
            Json.bytes(patch),
            "status",
            WriteOptions.DEFAULT)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.debug("status of {} not patched: {}", pod.key(), failure.toString());
              }
            });
  }

  private Behavior<Command> onFlush(Flush m) {
    queue.flush(System.nanoTime());
    requestCycle();
    return this;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
