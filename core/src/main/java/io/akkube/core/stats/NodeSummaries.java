package io.akkube.core.stats;

import io.akkube.core.api.ApiStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The stats summaries of the nodes, as the API member reaches them ({@code nodes/<node>/proxy/
 * stats/summary}, and metrics.k8s.io computed from them): the node agent measures, the API member
 * forwards to the agent of the node asked for (the caller has checked that the Node exists). A node
 * whose agent is not reachable from this member (hollow nodes have none: see
 * docs/decisions/0016-container-stats.md) fails the stage with a 503 {@link
 * io.akkube.core.api.ApiException}.
 */
public interface NodeSummaries {

  CompletionStage<Sample> summary(String nodeName);

  /** A summary and the window its CPU rates ({@code usageNanoCores}) were measured over. */
  record Sample(Summary summary, Duration window) {}

  /** For a member that serves no node stats: every request is a 503 saying so. */
  NodeSummaries NONE =
      nodeName ->
          CompletableFuture.failedFuture(
              new ApiStatus(
                      503,
                      "ServiceUnavailable",
                      "no node agent of node " + nodeName + " is reachable from this member",
                      null,
                      null)
                  .exception());
}
