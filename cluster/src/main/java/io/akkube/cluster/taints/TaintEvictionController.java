package io.akkube.cluster.taints;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.scheduling.Informer;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.Taint;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.node.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's taint-eviction-controller, a cluster singleton: watches nodes and pods and deletes the
 * pods on a node with NoExecute taints they do not tolerate, at once or when their
 * tolerationSeconds run out ({@link NoExecuteTaints}); a taint removed or a toleration added in
 * time cancels it.
 */
public final class TaintEvictionController
    extends AbstractBehavior<TaintEvictionController.Command> {

  public static final String NAME = "taint-eviction-controller";
  private static final Logger log = LoggerFactory.getLogger(TaintEvictionController.class);

  public sealed interface Command {}

  private record Informed(Informer.Update update) implements Command {}

  private record Evict(String uid) implements Command {}

  private final TimerScheduler<Command> timers;
  private final ObjectStore store;
  private final EventRecorder events;
  private final Map<String, List<Taint>> taintsByNode = new HashMap<>();
  private final Map<String, ObjectNode> pods = new HashMap<>();

  /** Pods whose eviction is scheduled or done, by uid. */
  private final Map<String, Boolean> pending = new HashMap<>();

  public static Behavior<Command> create(ObjectStore store, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new TaintEvictionController(ctx, timers, store, clock)));
  }

  private TaintEvictionController(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.events = new EventRecorder(store, NAME, "", clock);
    ActorRef<Informer.Update> informed = ctx.messageAdapter(Informer.Update.class, Informed::new);
    ctx.spawn(Informer.create(store, ResourceTypes.NODES, "", informed), "informer-nodes");
    ctx.spawn(Informer.create(store, ResourceTypes.PODS, "", informed), "informer-pods");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Informed.class, this::onInformed)
        .onMessage(Evict.class, this::onEvict)
        .build();
  }

  private Behavior<Command> onInformed(Informed m) {
    boolean nodes = m.update().type().equals(ResourceTypes.NODES);
    if (m.update() instanceof Informer.Synced s) {
      if (nodes) {
        taintsByNode.clear();
        s.objects().forEach(n -> taintsByNode.put(Json.name(n), NodeInfo.of(n).taints()));
      } else {
        pods.clear();
        s.objects().forEach(p -> pods.put(Json.metaText(p, "uid"), p));
      }
      pods.values().forEach(this::reconcile);
    } else if (m.update() instanceof Informer.Changed c) {
      boolean deleted = c.eventType().equals("DELETED");
      if (nodes) {
        String name = Json.name(c.object());
        List<Taint> before = taintsByNode.get(name);
        List<Taint> after = deleted ? List.of() : NodeInfo.of(c.object()).taints();
        taintsByNode.put(name, after);
        if (!after.equals(before)) {
          pods.values().stream()
              .filter(p -> name.equals(Json.text(p.path("spec"), "nodeName")))
              .forEach(this::reconcile);
        }
      } else {
        String uid = Json.metaText(c.object(), "uid");
        if (deleted) {
          pods.remove(uid);
          cancel(uid);
        } else {
          pods.put(uid, c.object());
          reconcile(c.object());
        }
      }
    }
    return this;
  }

  private void reconcile(ObjectNode pod) {
    String uid = Json.metaText(pod, "uid");
    String node = Json.text(pod.path("spec"), "nodeName");
    String phase = pod.path("status").path("phase").asText("");
    boolean gone =
        node.isEmpty()
            || phase.equals("Succeeded")
            || phase.equals("Failed")
            || pod.path("metadata").hasNonNull("deletionTimestamp");
    Optional<Duration> delay =
        gone
            ? Optional.empty()
            : NoExecuteTaints.evictionDelay(
                pod.path("spec").path("tolerations"), taintsByNode.getOrDefault(node, List.of()));
    if (delay.isEmpty()) {
      cancel(uid);
      return;
    }
    if (pending.containsKey(uid)) {
      return; // already counting down (kube keeps the first trigger time)
    }
    pending.put(uid, Boolean.TRUE);
    if (delay.get().isZero()) {
      getContext().getSelf().tell(new Evict(uid));
    } else {
      timers.startSingleTimer(uid, new Evict(uid), delay.get());
    }
  }

  private void cancel(String uid) {
    if (pending.remove(uid) != null) {
      timers.cancel(uid);
    }
  }

  private Behavior<Command> onEvict(Evict m) {
    ObjectNode pod = pods.get(m.uid());
    if (pod == null || !pending.containsKey(m.uid())) {
      return this;
    }
    String ns = Json.namespace(pod);
    String name = Json.name(pod);
    events.pod(
        pod,
        EventRecorder.NORMAL,
        "TaintManagerEviction",
        "Marking for deletion Pod " + ns + "/" + name);
    log.info(
        "evicting pod {}/{} from node {} (NoExecute taint)",
        ns,
        name,
        Json.text(pod.path("spec"), "nodeName"));
    store
        .delete(ResourceTypes.PODS, ns, name, new DeleteOptions(null, m.uid(), null, null, false))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.info("taint eviction of {}/{} failed: {}", ns, name, failure.toString());
              }
            });
    return this;
  }
}
