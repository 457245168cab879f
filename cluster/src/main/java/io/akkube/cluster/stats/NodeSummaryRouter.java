package io.akkube.cluster.stats;

import io.akkube.cluster.streams.RemoteNodeAgents;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.node.stats.SummaryProvider;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API member's {@link NodeSummaries}: the summary comes from the agent of the node asked for,
 * as {@link io.akkube.cluster.streams.NodeStreamsRouter} finds it: registered here when it runs in
 * this JVM, else on another member (docs/decisions/0017); a 503 when no member runs one. Hollow
 * nodes register none (docs/decisions/0016).
 */
public final class NodeSummaryRouter implements NodeSummaries {

  private final RemoteNodeAgents remote;
  private final Map<String, SummaryProvider> nodes = new ConcurrentHashMap<>();

  public NodeSummaryRouter(RemoteNodeAgents remote) {
    this.remote = remote;
  }

  /** {@code agent} answers for node {@code nodeName} from now on. */
  public void register(String nodeName, SummaryProvider agent) {
    nodes.put(nodeName, agent);
  }

  @Override
  public CompletionStage<Sample> summary(String nodeName) {
    SummaryProvider agent = nodes.get(nodeName);
    return agent == null ? remote.summary(nodeName) : agent.summary();
  }
}
