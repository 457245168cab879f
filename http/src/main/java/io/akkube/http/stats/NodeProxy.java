package io.akkube.http.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.store.ObjectStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/nodes/{name}/proxy/{path}}: the apiserver's proxy to a node's kubelet, for the one
 * kubelet path akkube's agents serve, {@code stats/summary} (GET, as {@code kubectl get --raw} and
 * metrics-server ask for it; {@code only_cpu_and_memory} changes nothing, that is all there is).
 * The Node must exist (its 404 otherwise); another path is the 404 of a path the kubelet does not
 * serve.
 */
public final class NodeProxy {

  private final ObjectStore store;
  private final NodeSummaries summaries;

  public NodeProxy(ObjectStore store, NodeSummaries summaries) {
    this.store = store;
    this.summaries = summaries;
  }

  /** Whether {@code rest} (the segments after {@code /api/v1}) is {@code nodes/{name}/proxy...}. */
  public static boolean serves(String group, List<String> rest) {
    return group.isEmpty()
        && rest.size() >= 3
        && rest.get(0).equals("nodes")
        && rest.get(2).equals("proxy");
  }

  /** The kubelet's answer to {@code method} on {@code path} (the segments after proxy). */
  public CompletionStage<JsonNode> handle(String method, String node, List<String> path) {
    return store
        .get(ResourceTypes.NODES, null, node)
        .thenCompose(
            exists -> {
              if (!path.equals(List.of("stats", "summary"))) {
                return CompletableFuture.failedFuture(
                    new ApiStatus(
                            404,
                            "NotFound",
                            "the server could not find the requested resource",
                            new ApiStatus.Details(null, null, null, null),
                            null)
                        .exception());
              }
              if (!method.equals("GET")) {
                return CompletableFuture.failedFuture(
                    ApiStatus.methodNotAllowed(
                            "the server does not allow this method on the requested resource")
                        .exception());
              }
              return summaries
                  .summary(node)
                  .thenApply(sample -> (JsonNode) Json.MAPPER.valueToTree(sample.summary()));
            });
  }
}
