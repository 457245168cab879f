package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * DefaultPreemption (the PostFilter step) as a dry run: on each node that failed only for
 * resolvable reasons, remove every pod of lower priority, check that the pod then fits, and give
 * back as many of those pods (highest priority first) as still lets it fit; the rest are the
 * victims. Of the nodes where that works, the one whose victims matter least is nominated. Nothing
 * is evicted here; the caller deletes the victims and sets {@code nominatedNodeName}.
 *
 * <p>Not modelled: PodDisruptionBudgets (no victim counts as violating one), the start-time
 * tie-breaks, and pods already nominated to a node.
 */
public final class Preemption {

  public static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  public static final String NO_VICTIMS = "No preemption victims found for incoming pod";
  public static final String NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never.";
  public static final String NOT_ELIGIBLE_TERMINATING =
      "not eligible due to a terminating pod on the nominated node.";

  /** MinCandidateNodesPercentage and MinCandidateNodesAbsolute of DefaultPreemptionArgs. */
  static final int MIN_CANDIDATE_NODES_PERCENTAGE = 10;

  static final int MIN_CANDIDATE_NODES_ABSOLUTE = 100;

  /** The PostFilter message ("" when a node was nominated) and the nomination, if any. */
  record Outcome(String message, Optional<ScheduleResult.Nomination> nomination) {}

  /** What a dry run on one node found: the victims, or why preemption cannot help there. */
  public record Victims(Status status, List<PodInfo> pods) {
    public Victims {
      pods = List.copyOf(pods);
    }
  }

  private final SchedulingAlgorithm algorithm;

  Preemption(SchedulingAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  Outcome preempt(PodInfo pod, ClusterSnapshot snapshot, FitError fit, Random random) {
    Optional<String> ineligible = ineligibility(pod, snapshot, fit);
    if (ineligible.isPresent()) {
      return new Outcome("preemption: " + ineligible.get(), Optional.empty());
    }
    List<NodeInfo> potential = new ArrayList<>();
    for (NodeInfo n : snapshot.nodes()) {
      if (statusOf(fit, n.name()).map(s -> s.code() == Status.Code.UNSCHEDULABLE).orElse(false)) {
        potential.add(n);
      }
    }
    Map<String, Status> statuses = new LinkedHashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    if (!potential.isEmpty()) {
      int numCandidates = numCandidates(potential.size());
      int offset = random.nextInt(potential.size());
      for (int i = 0; i < potential.size() && candidates.size() < numCandidates; i++) {
        NodeInfo node = potential.get((offset + i) % potential.size());
        Victims v = selectVictimsOnNode(pod, node, snapshot);
        if (v.status().isSuccess()) {
          candidates.add(new Candidate(node.name(), v.pods()));
        } else {
          statuses.put(node.name(), v.status());
        }
      }
    }
    if (candidates.isEmpty()) {
      FitError none =
          new FitError(
              snapshot.nodes().size(),
              statuses,
              Optional.of(Status.unresolvable(NOT_HELPFUL)),
              "",
              "");
      return new Outcome("preemption: " + none.message(), Optional.empty());
    }
    Candidate best = pickOne(candidates);
    return new Outcome("", Optional.of(new ScheduleResult.Nomination(best.node(), best.victims())));
  }

  /** PodEligibleToPreemptOthers: the reason the pod may not preempt, if any. */
  private static Optional<String> ineligibility(
      PodInfo pod, ClusterSnapshot snapshot, FitError fit) {
    if ("Never".equals(pod.preemptionPolicy())) {
      return Optional.of(NOT_ELIGIBLE_NEVER);
    }
    String nominated = pod.nominatedNodeName();
    if (nominated.isEmpty()) {
      return Optional.empty();
    }
    boolean unresolvable =
        statusOf(fit, nominated)
            .map(s -> s.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE)
            .orElse(false);
    if (unresolvable) {
      return Optional.empty();
    }
    // Victims of an earlier preemption are still going away: wait for them.
    Optional<NodeInfo> node = snapshot.node(nominated);
    if (node.isPresent()) {
      for (PodInfo p : node.get().pods()) {
        if (p.priority() < pod.priority() && p.terminating()) {
          return Optional.of(NOT_ELIGIBLE_TERMINATING);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Status> statusOf(FitError fit, String node) {
    Status s = fit.nodeStatuses().get(node);
    return s != null ? Optional.of(s) : fit.absentNodesStatus();
  }

  static int numCandidates(int numNodes) {
    int n = numNodes * MIN_CANDIDATE_NODES_PERCENTAGE / 100;
    n = Math.max(n, MIN_CANDIDATE_NODES_ABSOLUTE);
    return Math.min(n, numNodes);
  }

  /**
   * SelectVictimsOnNode: the fewest, least important lower-priority pods whose removal lets the pod
   * fit on the node, or the status saying why no removal does.
   */
  public Victims selectVictimsOnNode(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    List<PodInfo> potential = new ArrayList<>();
    NodeInfo reduced = node;
    for (PodInfo p : node.pods()) {
      if (p.priority() < pod.priority()) {
        potential.add(p);
        reduced = reduced.withoutPod(p.uid());
      }
    }
    if (potential.isEmpty()) {
      return new Victims(Status.unresolvable(NO_VICTIMS), List.of());
    }
    Status fits = fits(pod, reduced, snapshot);
    if (!fits.isSuccess()) {
      return new Victims(fits, List.of());
    }
    // Reprieve the most important pods first (stable for equal priority).
    potential.sort(Comparator.comparingInt(PodInfo::priority).reversed());
    List<PodInfo> victims = new ArrayList<>();
    for (PodInfo p : potential) {
      NodeInfo withBack = reduced.withPod(p);
      if (fits(pod, withBack, snapshot).isSuccess()) {
        reduced = withBack;
      } else {
        victims.add(p);
      }
    }
    return new Victims(Status.success(), victims);
  }

  private Status fits(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
    ClusterSnapshot changed = snapshot.withNode(node);
    CycleState state = new CycleState();
    Status pre = algorithm.runPreFilter(state, pod, changed).status();
    return pre.isSuccess() ? algorithm.runFilters(state, pod, node, changed) : pre;
  }

  private record Candidate(String node, List<PodInfo> victims) {}

  /**
   * pickOneNodeForPreemption: a node needing no victims; else the lowest highest-priority victim,
   * then the lowest sum of priorities, then the fewest victims; then the first found.
   */
  private static Candidate pickOne(List<Candidate> candidates) {
    for (Candidate c : candidates) {
      if (c.victims().isEmpty()) {
        return c;
      }
    }
    List<ToLongFunction<Candidate>> scores =
        List.of(
            c -> -(long) c.victims().get(0).priority(),
            c -> {
              long sum = 0;
              for (PodInfo p : c.victims()) {
                // Shifted to be non-negative, so fewer negative-priority pods still sum lower.
                sum += (long) p.priority() + (long) Integer.MAX_VALUE + 1;
              }
              return -sum;
            },
            c -> -(long) c.victims().size());
    List<Candidate> remaining = candidates;
    for (ToLongFunction<Candidate> score : scores) {
      long best = Long.MIN_VALUE;
      List<Candidate> top = new ArrayList<>();
      for (Candidate c : remaining) {
        long s = score.applyAsLong(c);
        if (s > best) {
          best = s;
          top.clear();
        }
        if (s == best) {
          top.add(c);
        }
      }
      remaining = top;
      if (remaining.size() == 1) {
        break;
      }
    }
    return remaining.get(0);
  }
}
