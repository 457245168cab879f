package io.akkube.http.metrics;

import akka.http.javadsl.model.Query;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.stats.NodeSummaries.Sample;
import io.akkube.core.stats.Summary.PodStats;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The resource metrics API, {@code metrics.k8s.io/v1beta1}, as metrics-server serves it ({@code
 * kubectl top node|pod}): NodeMetrics and PodMetrics, get and list (label selectors), computed on
 * each request from the stats summaries of the nodes involved. A node whose summary cannot be had
 * (no agent here, a hollow node) is left out of lists and is a 404 to a get, as metrics-server
 * answers for a node it could not scrape.
 */
public final class MetricsApi {

  public static final String GROUP = "metrics.k8s.io";
  public static final String VERSION = "v1beta1";

  /** As metrics-server registers them: read-only, no singular name. */
  public static final ResourceType NODE_METRICS =
      new ResourceType(
          GROUP, VERSION, "NodeMetrics", "nodes", "", false, List.of(), List.of(), Set.of());

  public static final ResourceType POD_METRICS =
      new ResourceType(
          GROUP, VERSION, "PodMetrics", "pods", "", true, List.of(), List.of(), Set.of());

  public static final List<ResourceType> TYPES = List.of(NODE_METRICS, POD_METRICS);
  public static final List<String> VERBS = List.of("get", "list");

  private final ObjectStore store;
  private final NodeSummaries summaries;

  public MetricsApi(ObjectStore store, NodeSummaries summaries) {
    this.store = store;
    this.summaries = summaries;
  }

  /**
   * The answer to {@code GET /apis/metrics.k8s.io/{version}/{rest}}; empty for a path that names
   * nothing here (the caller's 404).
   */
  public Optional<CompletionStage<JsonNode>> get(String version, List<String> rest, Query query) {
    if (!version.equals(VERSION)) {
      return Optional.empty();
    }
    String labels = query.get("labelSelector").orElse("");
    String fields = query.get("fieldSelector").orElse("");
    int n = rest.size();
    if (n == 1 && rest.get(0).equals("nodes")) {
      return Optional.of(nodes(labels, fields));
    }
    if (n == 2 && rest.get(0).equals("nodes")) {
      return Optional.of(node(rest.get(1)));
    }
    if (n == 1 && rest.get(0).equals("pods")) {
      return Optional.of(pods(null, labels, fields));
    }
    if (n >= 3 && n <= 4 && rest.get(0).equals("namespaces") && rest.get(2).equals("pods")) {
      return Optional.of(
          n == 3 ? pods(rest.get(1), labels, fields) : pod(rest.get(1), rest.get(3)));
    }
    return Optional.empty();
  }

  private CompletionStage<JsonNode> nodes(String labels, String fields) {
    return store
        .list(ResourceTypes.NODES, new ListOptions(null, labels, fields, 0, "", ""))
        .thenCompose(
            nodes -> {
              List<CompletableFuture<Optional<ObjectNode>>> metrics = new ArrayList<>();
              for (StoredObject node : nodes.items()) {
                metrics.add(
                    sample(Json.name(node.object()))
                        .thenApply(
                            s -> s.flatMap(sample -> ResourceMetrics.node(node.object(), sample)))
                        .toCompletableFuture());
              }
              return all(metrics)
                  .thenApply(items -> (JsonNode) ResourceMetrics.list("NodeMetricsList", items));
            });
  }

  private CompletionStage<JsonNode> node(String name) {
    return store
        .get(ResourceTypes.NODES, null, name)
        .handle(
            (node, failure) -> {
              if (failure != null) {
                throw notFoundAs(failure, NODE_METRICS, name);
              }
              return node;
            })
        .thenCompose(
            node ->
                sample(name)
                    .thenApply(
                        s ->
                            (JsonNode)
                                s.flatMap(sample -> ResourceMetrics.node(node.object(), sample))
                                    .orElseThrow(
                                        () -> ApiStatus.notFound(NODE_METRICS, name).exception())));
  }

  private CompletionStage<JsonNode> pods(String namespace, String labels, String fields) {
    return store
        .list(ResourceTypes.PODS, new ListOptions(namespace, labels, fields, 0, "", ""))
        .thenCompose(
            pods -> {
              List<JsonNode> objects =
                  pods.items().stream().map(o -> (JsonNode) o.object()).toList();
              return podMetrics(objects)
                  .thenApply(items -> (JsonNode) ResourceMetrics.list("PodMetricsList", items));
            });
  }

  private CompletionStage<JsonNode> pod(String namespace, String name) {
    return store
        .get(ResourceTypes.PODS, namespace, name)
        .handle(
            (pod, failure) -> {
              if (failure != null) {
                throw notFoundAs(failure, POD_METRICS, name);
              }
              return pod;
            })
        .thenCompose(pod -> podMetrics(List.of(pod.object())))
        .thenApply(
            items -> {
              if (items.isEmpty()) {
                throw ApiStatus.notFound(POD_METRICS, name).exception();
              }
              return items.get(0);
            });
  }

  /** The metrics of {@code pods} that have them: one summary per node they run on. */
  private CompletionStage<List<ObjectNode>> podMetrics(List<JsonNode> pods) {
    Set<String> nodeNames = new LinkedHashSet<>();
    pods.forEach(p -> nodeNames.add(Json.text(p.path("spec"), "nodeName")));
    nodeNames.remove("");
    Map<String, CompletableFuture<Optional<Sample>>> samples = new LinkedHashMap<>();
    nodeNames.forEach(node -> samples.put(node, sample(node).toCompletableFuture()));
    return CompletableFuture.allOf(samples.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<ObjectNode> items = new ArrayList<>();
              for (JsonNode pod : pods) {
                String node = Json.text(pod.path("spec"), "nodeName");
                String uid = Json.text(pod.path("metadata"), "uid");
                Optional<Sample> sample =
                    samples
                        .getOrDefault(node, CompletableFuture.completedFuture(Optional.empty()))
                        .join();
                sample.ifPresent(
                    s ->
                        s.summary().pods().stream()
                            .filter(p -> p.podRef().uid().equals(uid))
                            .findFirst()
                            .flatMap(
                                (PodStats stats) -> ResourceMetrics.pod(pod, stats, s.window()))
                            .ifPresent(items::add));
              }
              return items;
            });
  }

  /**
   * A node's summary, or empty when it cannot be had (the node is left out, as by metrics-server).
   */
  private CompletionStage<Optional<Sample>> sample(String node) {
    return summaries
        .summary(node)
        .handle((s, failure) -> Optional.ofNullable(failure == null ? s : null));
  }

  private static CompletionStage<List<ObjectNode>> all(
      List<CompletableFuture<Optional<ObjectNode>>> futures) {
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                futures.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  /** A 404 of the object becomes the 404 of its metrics; other failures stay what they are. */
  private static RuntimeException notFoundAs(Throwable failure, ResourceType type, String name) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ApiException api && api.status().code() == 404) {
      return ApiStatus.notFound(type, name).exception();
    }
    return cause instanceof RuntimeException r ? r : new CompletionException(cause);
  }
}
