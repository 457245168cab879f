package io.akkube.core.scheduling;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.List;

/**
 * A score plugin (PreScore + Score + NormalizeScore): ranks the nodes that passed every filter.
 * After {@link #normalize} each score is within 0..{@link #MAX_NODE_SCORE}; the algorithm then
 * multiplies it by the plugin's weight in the profile.
 */
public interface ScorePlugin {

  /** framework.MaxNodeScore. */
  long MAX_NODE_SCORE = 100;

  String name();

  /** Once per pod, with the feasible nodes; {@link Status#skip()} leaves this plugin out. */
  default Status preScore(
      CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot) {
    return Status.success();
  }

  long score(CycleState state, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot);

  /** NormalizeScore: rescales raw scores (in the order of {@code nodes}) to 0..100. */
  default long[] normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    return scores;
  }

  /**
   * helper.DefaultNormalizeScore: scales so the highest score becomes 100; with {@code reverse},
   * the lowest raw score gets 100. All zero stays 0 (or becomes 100 when reversed).
   */
  static long[] defaultNormalize(long[] scores, boolean reverse) {
    long max = 0;
    for (long s : scores) {
      max = Math.max(max, s);
    }
    long[] out = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      if (max == 0) {
        out[i] = reverse ? MAX_NODE_SCORE : scores[i];
        continue;
      }
      long s = MAX_NODE_SCORE * scores[i] / max;
      out[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
    return out;
  }
}
