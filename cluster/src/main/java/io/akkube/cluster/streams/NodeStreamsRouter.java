package io.akkube.cluster.streams;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.streams.ContainerSelection;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.LogOptions;
import io.akkube.core.streams.PodStreams;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API member's {@link PodStreams}, as the apiserver's pod log/exec REST does it: read the pod,
 * pick the container (the 400s for an ambiguous or unknown one come from here), find the node in
 * spec.nodeName, and ask that node's agent: the one registered here when it runs in this JVM
 * (embedded mode, a member with both roles), else the one another member runs, reached through
 * {@link RemoteNodeAgents} (docs/decisions/0017).
 */
public final class NodeStreamsRouter implements PodStreams {

  private final ObjectStore store;
  private final RemoteNodeAgents remote;
  private final Map<String, PodStreams> nodes = new ConcurrentHashMap<>();

  public NodeStreamsRouter(ObjectStore store, RemoteNodeAgents remote) {
    this.store = store;
    this.remote = remote;
  }

  /** {@code agent} serves the pods of node {@code nodeName} from now on. */
  public void register(String nodeName, PodStreams agent) {
    nodes.put(nodeName, agent);
  }

  public void unregister(String nodeName) {
    nodes.remove(nodeName);
  }

  @Override
  public CompletionStage<Source<ByteString, NotUsed>> logs(
      String namespace, String pod, LogOptions options) {
    return store
        .get(ResourceTypes.PODS, namespace, pod)
        .thenCompose(
            stored -> {
              ObjectNode object = stored.object();
              String container = ContainerSelection.resolve(object, options.container());
              String node = Json.text(object.path("spec"), "nodeName");
              if (node.isEmpty()) {
                // not scheduled yet: no log, as the apiserver answers
                return java.util.concurrent.CompletableFuture.completedFuture(Source.empty());
              }
              return agent(node).logs(namespace, pod, options.withContainer(container));
            });
  }

  @Override
  public CompletionStage<ExecSession> exec(String namespace, String pod, ExecOptions options) {
    return store
        .get(ResourceTypes.PODS, namespace, pod)
        .thenCompose(
            stored -> {
              ObjectNode object = stored.object();
              String container = ContainerSelection.resolve(object, options.container());
              String node = Json.text(object.path("spec"), "nodeName");
              if (node.isEmpty()) {
                throw ApiStatus.badRequest("pod " + pod + " does not have a host assigned")
                    .exception();
              }
              return agent(node).exec(namespace, pod, options.withContainer(container));
            });
  }

  private PodStreams agent(String node) {
    PodStreams local = nodes.get(node);
    return local != null ? local : remote.podStreams(node);
  }
}
