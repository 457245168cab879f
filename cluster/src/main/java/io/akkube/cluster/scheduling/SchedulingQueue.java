package io.akkube.cluster.scheduling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.scheduling.model.PodInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * kube-scheduler's PriorityQueue: pods waiting for a node, in one of three places. Active pods are
 * taken by priority, then in the order they arrived; a pod whose attempt failed waits out its
 * back-off (initial doubling per attempt up to the maximum); a pod that fits nowhere is parked as
 * unschedulable until a cluster event (node added or changed, pod deleted) or the periodic flush
 * moves it back. Not thread-safe: owned by the scheduler actor.
 */
final class SchedulingQueue {

  enum Where {
    ACTIVE,
    BACKOFF,
    UNSCHEDULABLE,
    IN_CYCLE
  }

  /** One queued pod: its latest object, how often it was tried, and where it waits. */
  static final class QueuedPod {
    final String uid;
    final long arrival;
    ObjectNode pod;
    PodInfo info;
    int attempts;
    long lastAttemptNanos;
    long parkedNanos;
    Where where;
    String lastMessage = "";

    QueuedPod(String uid, long arrival, ObjectNode pod, PodInfo info) {
      this.uid = uid;
      this.arrival = arrival;
      this.pod = pod;
      this.info = info;
    }
  }

  private static final Comparator<QueuedPod> ACTIVE_ORDER =
      Comparator.<QueuedPod>comparingInt(q -> -q.info.priority())
          .thenComparingLong(q -> q.arrival)
          .thenComparing(q -> q.uid);

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxUnschedulable;
  private final Map<String, QueuedPod> pods = new HashMap<>();
  private final TreeSet<QueuedPod> active = new TreeSet<>(ACTIVE_ORDER);
  private long arrivals;

  SchedulingQueue(Duration initialBackoff, Duration maxBackoff, Duration maxUnschedulable) {
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxUnschedulable = maxUnschedulable;
  }

  /**
   * A pod that needs a node, new or changed. A new pod is active; a parked pod whose spec changed
   * goes back to active (or back-off); otherwise only its object is refreshed.
   */
  void addOrUpdate(String uid, ObjectNode pod, PodInfo info, long now) {
    QueuedPod q = pods.get(uid);
    if (q == null) {
      q = new QueuedPod(uid, arrivals++, pod, info);
      q.where = Where.ACTIVE;
      pods.put(uid, q);
      active.add(q);
      return;
    }
    boolean specChanged = !q.pod.path("spec").equals(pod.path("spec"));
    if (q.where == Where.ACTIVE) {
      active.remove(q);
      q.pod = pod;
      q.info = info;
      active.add(q);
      return;
    }
    q.pod = pod;
    q.info = info;
    if (specChanged && q.where == Where.UNSCHEDULABLE) {
      requeue(q, now);
    }
  }

  Optional<QueuedPod> get(String uid) {
    return Optional.ofNullable(pods.get(uid));
  }

  void remove(String uid) {
    QueuedPod q = pods.remove(uid);
    if (q != null && q.where == Where.ACTIVE) {
      active.remove(q);
    }
  }

  boolean hasActive() {
    return !active.isEmpty();
  }

  /** The next pod to schedule (highest priority, then earliest), now in a scheduling cycle. */
  Optional<QueuedPod> pop(long now) {
    QueuedPod q = active.pollFirst();
    if (q == null) {
      return Optional.empty();
    }
    q.where = Where.IN_CYCLE;
    q.attempts++;
    q.lastAttemptNanos = now;
    return Optional.of(q);
  }

  /** The pod fits nowhere: parked until a cluster event or the periodic flush. */
  void parkUnschedulable(QueuedPod q, long now) {
    if (pods.get(q.uid) != q) {
      return; // deleted or bound while in its cycle
    }
    q.where = Where.UNSCHEDULABLE;
    q.parkedNanos = now;
  }

  /** The attempt failed for another reason (binding failed): retried after its back-off. */
  void backoff(QueuedPod q, long now) {
    if (pods.get(q.uid) != q) {
      pods.put(q.uid, q);
    }
    q.where = Where.BACKOFF;
    q.parkedNanos = now;
  }

  /** A pod that had been taken for scheduling and was bound: no longer queued. */
  void done(String uid) {
    remove(uid);
  }

  /** A cluster event that may make unschedulable pods fit: all of them are retried. */
  int moveAllUnschedulable(long now) {
    int moved = 0;
    for (QueuedPod q : List.copyOf(pods.values())) {
      if (q.where == Where.UNSCHEDULABLE) {
        requeue(q, now);
        moved++;
      }
    }
    return moved;
  }

  /**
   * The timers' work: back-off pods whose back-off is over become active; pods unschedulable for
   * longer than the maximum are retried.
   */
  void flush(long now) {
    List<QueuedPod> due = new ArrayList<>();
    for (QueuedPod q : pods.values()) {
      if (q.where == Where.BACKOFF && now >= backoffExpiry(q)) {
        due.add(q);
      } else if (q.where == Where.UNSCHEDULABLE
          && now - q.parkedNanos >= maxUnschedulable.toNanos()) {
        due.add(q);
      }
    }
    due.forEach(q -> requeue(q, now));
  }

  private void requeue(QueuedPod q, long now) {
    if (now >= backoffExpiry(q)) {
      q.where = Where.ACTIVE;
      active.add(q);
    } else {
      q.where = Where.BACKOFF;
    }
  }

  long backoffExpiry(QueuedPod q) {
    return q.lastAttemptNanos + backoffDuration(q.attempts, initialBackoff, maxBackoff).toNanos();
  }

  /** The back-off after {@code attempts} failed attempts: initial, doubling, capped. */
  static Duration backoffDuration(int attempts, Duration initial, Duration max) {
    if (attempts <= 0) {
      return Duration.ZERO;
    }
    Duration d = initial;
    for (int i = 1; i < attempts && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  java.util.Set<String> uids() {
    return java.util.Set.copyOf(pods.keySet());
  }

  int size() {
    return pods.size();
  }

  long count(Where where) {
    return pods.values().stream().filter(q -> q.where == where).count();
  }
}
