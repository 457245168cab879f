package io.akkube.cluster.stats;

import io.akkube.core.stats.NodeSummaries;
import io.akkube.node.stats.SummaryProvider;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API member's {@link NodeSummaries}: the summary comes from the agent of the node asked for, a
 * 503 when this member has none.
 *
 * <p>Embedded mode only, as {@link io.akkube.cluster.streams.NodeStreamsRouter}: the agents live in
 * this JVM and register here by node name. Hollow nodes register none (docs/decisions/0016).
 */
public final class NodeSummaryRouter implements NodeSummaries {

  private final Map<String, SummaryProvider> nodes = new ConcurrentHashMap<>();

  /** {@code agent} answers for node {@code nodeName} from now on. */
  public void register(String nodeName, SummaryProvider agent) {
    nodes.put(nodeName, agent);
  }

  @Override
  public CompletionStage<Sample> summary(String nodeName) {
    SummaryProvider agent = nodes.get(nodeName);
    return agent == null ? NONE.summary(nodeName) : agent.summary();
  }
}
