package io.akkube.core.scheduling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Why a pod fits no node (framework.FitError): the status of every node that was filtered, a status
 * shared by the nodes that were not (cut by a PreFilter), and the PreFilter and PostFilter
 * (preemption) messages. {@link #message()} is the FailedScheduling text.
 *
 * @param nodeStatuses the explicit per-node statuses, by node name
 * @param absentNodesStatus the status of every node not in {@code nodeStatuses}
 * @param preFilterMessage the message of a PreFilter that rejected the pod for all nodes, or ""
 * @param postFilterMessage the preemption outcome ({@code preemption: ...}), or ""
 */
public record FitError(
    int numAllNodes,
    Map<String, Status> nodeStatuses,
    Optional<Status> absentNodesStatus,
    String preFilterMessage,
    String postFilterMessage) {

  /** NoNodeAvailableMsg. */
  static final String NO_NODE_AVAILABLE = "0/%d nodes are available:";

  /** validation.NoteLengthLimit: events and conditions carry at most this many characters. */
  public static final int NOTE_LENGTH_LIMIT = 1024;

  public FitError {
    nodeStatuses = Collections.unmodifiableMap(new LinkedHashMap<>(nodeStatuses));
  }

  public FitError withPostFilterMessage(String message) {
    return new FitError(numAllNodes, nodeStatuses, absentNodesStatus, preFilterMessage, message);
  }

  /**
   * FitError.Error: {@code 0/N nodes are available: } then the PreFilter message or each reason
   * prefixed with the number of nodes that gave it, sorted as strings and joined with ", ", a
   * period, and the PostFilter message followed by another period.
   */
  public String message() {
    StringBuilder sb = new StringBuilder(String.format(NO_NODE_AVAILABLE, numAllNodes));
    if (!preFilterMessage.isEmpty()) {
      sb.append(' ').append(preFilterMessage).append('.');
    } else {
      List<String> histogram = histogram();
      if (!histogram.isEmpty()) {
        sb.append(' ').append(String.join(", ", histogram)).append('.');
      }
    }
    if (!postFilterMessage.isEmpty()) {
      sb.append(' ').append(postFilterMessage).append('.');
    }
    return sb.toString();
  }

  /** The message as the event and the PodScheduled condition carry it (truncateMessage). */
  public String eventMessage() {
    return truncate(message());
  }

  static String truncate(String message) {
    if (message.length() <= NOTE_LENGTH_LIMIT) {
      return message;
    }
    String suffix = " ...";
    return message.substring(0, NOTE_LENGTH_LIMIT - suffix.length()) + suffix;
  }

  private List<String> histogram() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Status s : nodeStatuses.values()) {
      s.reasons().forEach(r -> counts.merge(r, 1, Integer::sum));
    }
    int absent = numAllNodes - nodeStatuses.size();
    if (absent > 0) {
      absentNodesStatus.ifPresent(
          s -> s.reasons().forEach(r -> counts.merge(r, absent, Integer::sum)));
    }
    List<String> out = new ArrayList<>();
    counts.forEach((reason, n) -> out.add(n + " " + reason));
    // Go's sort.Strings: byte order, so "10 x" sorts before "2 y".
    Collections.sort(out);
    return out;
  }
}
