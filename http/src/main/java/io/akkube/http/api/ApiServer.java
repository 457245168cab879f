package io.akkube.http.api;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.ws.Message;
import akka.http.javadsl.model.ws.TextMessage;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.HistoryEntry;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import io.akkube.core.store.WriteOptions;
import io.akkube.core.streams.PodStreams;
import io.akkube.core.table.TableConvertor;
import io.akkube.http.discovery.Discovery;
import io.akkube.http.metrics.MetricsApi;
import io.akkube.http.openapi.OpenApi;
import io.akkube.http.openapi.UnknownFields;
import io.akkube.http.protobuf.KubeProtobuf;
import io.akkube.http.stats.NodeProxy;
import io.akkube.http.streams.PodStreamsApi;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes REST API over an {@link ObjectStore}: discovery, OpenAPI, health, and for every
 * served kind get/list/watch/create/update/patch/delete/deletecollection and the status
 * subresource; watches as chunked JSON lines or, on a WebSocket upgrade of the same URL, as text
 * frames. Plus our history extension under {@code /apis/history.akkube.io/v1}.
 */
public final class ApiServer {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  static final String HISTORY_GROUP = "history.akkube.io";
  private static final List<String> UNAUTHENTICATED =
      List.of("/livez", "/readyz", "/healthz", "/version");

  private final ActorSystem<?> system;
  private final ObjectStore store;
  private final byte[] token;
  private final BooleanSupplier ready;
  private final Clock clock;
  private final long maxBodyBytes;
  private final PodStreamsApi podStreams;
  private final NodeProxy nodeProxy;
  private final MetricsApi metrics;

  public ApiServer(
      ActorSystem<?> system,
      ObjectStore store,
      String bearerToken,
      BooleanSupplier ready,
      Clock clock,
      long maxBodyBytes) {
    this(system, store, bearerToken, ready, clock, maxBodyBytes, PodStreams.NONE);
  }

  /** With {@code podStreams} serving pods/{name}/log and pods/{name}/exec. */
  public ApiServer(
      ActorSystem<?> system,
      ObjectStore store,
      String bearerToken,
      BooleanSupplier ready,
      Clock clock,
      long maxBodyBytes,
      PodStreams podStreams) {
    this(system, store, bearerToken, ready, clock, maxBodyBytes, podStreams, NodeSummaries.NONE);
  }

  /**
   * And with {@code summaries} serving nodes/{name}/proxy/stats/summary and metrics.k8s.io from the
   * node agents' stats.
   */
  public ApiServer(
      ActorSystem<?> system,
      ObjectStore store,
      String bearerToken,
      BooleanSupplier ready,
      Clock clock,
      long maxBodyBytes,
      PodStreams podStreams,
      NodeSummaries summaries) {
    this.podStreams = new PodStreamsApi(system, podStreams, clock);
    this.nodeProxy = new NodeProxy(store, summaries);
    this.metrics = new MetricsApi(store, summaries);
    this.system = system;
    this.store = store;
    this.token = bearerToken.getBytes(StandardCharsets.UTF_8);
    this.ready = ready;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The request handler to bind with {@code Http.get(system).newServerAt(...).bind(...)}. */
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    CompletionStage<HttpResponse> response;
    try {
      response = route(request);
    } catch (Throwable e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response.exceptionally(
        failure -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof ApiException api) {
            return Responses.status(api.status());
          }
          log.error("{} {} failed", request.method().value(), request.getUri().path(), cause);
          return Responses.status(ApiStatus.internal(String.valueOf(cause.getMessage())));
        });
  }

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    String path = request.getUri().path();
    switch (path) {
      case "/livez", "/healthz" -> {
        return done(Responses.text(200, "ok"));
      }
      case "/readyz" -> {
        return done(
            ready.getAsBoolean()
                ? Responses.text(200, "ok")
                : Responses.text(500, "[-]akkube not ready\nreadyz check failed"));
      }
      case "/version" -> {
        return done(Responses.json(200, Version.json()));
      }
      default -> {}
    }
    if (!authenticated(request)) {
      return done(Responses.status(ApiStatus.unauthorized()));
    }
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    if (segments.isEmpty()) {
      return done(Responses.json(200, rootPaths()));
    }
    Query query = request.getUri().query();
    String accept = request.getHeader("Accept").map(HttpHeader::value).orElse("");
    switch (segments.get(0)) {
      case "openapi" -> {
        return openApi(segments, accept);
      }
      case "api" -> {
        if (segments.size() == 1) {
          return done(
              Discovery.wantsAggregated(accept)
                  ? Responses.json(200, Discovery.aggregatedLegacy(), AGGREGATED_DISCOVERY)
                  : Responses.json(200, Discovery.apiVersions(serverAddress(request))));
        }
        if (!segments.get(1).equals("v1")) {
          return done(Responses.status(notFoundPath(path)));
        }
        if (segments.size() == 2) {
          return done(Responses.json(200, Discovery.apiResourceList("", "v1").orElseThrow()));
        }
        return resource(request, query, accept, "", "v1", segments.subList(2, segments.size()));
      }
      case "apis" -> {
        if (segments.size() == 1) {
          return done(
              Discovery.wantsAggregated(accept)
                  ? Responses.json(200, Discovery.aggregatedGroups(), AGGREGATED_DISCOVERY)
                  : Responses.json(200, Discovery.apiGroupList()));
        }
        String group = segments.get(1);
        if (group.equals(HISTORY_GROUP) && segments.size() > 3) {
          return history(segments.subList(3, segments.size()));
        }
        if (segments.size() == 2) {
          return Discovery.apiGroup(group)
              .map(g -> done(Responses.json(200, g)))
              .orElseGet(() -> done(Responses.status(notFoundPath(path))));
        }
        String version = segments.get(2);
        if (segments.size() == 3) {
          return done(
              Discovery.apiResourceList(group, version)
                  .map(l -> Responses.json(200, l))
                  .orElseGet(() -> Responses.status(notFoundPath(path))));
        }
        return resource(
            request, query, accept, group, version, segments.subList(3, segments.size()));
      }
      default -> {
        return done(Responses.status(notFoundPath(path)));
      }
    }
  }

  private static final akka.http.javadsl.model.ContentType AGGREGATED_DISCOVERY =
      ContentTypes.parse("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");

  private static String serverAddress(HttpRequest request) {
    return request.getUri().host().address() + ":" + request.getUri().port();
  }

  /** {@code GET /}: the paths this server serves. */
  private static ObjectNode rootPaths() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode paths = root.putArray("paths");
    paths.add("/api");
    paths.add("/api/v1");
    paths.add("/apis");
    for (ResourceType t : ResourceTypes.all()) {
      if (!t.group().isEmpty()) {
        String p = "/apis/" + t.group() + "/" + t.version();
        boolean present = false;
        for (JsonNode existing : paths) {
          present |= existing.asText().equals(p);
        }
        if (!present) {
          paths.add(p);
        }
      }
    }
    for (String p :
        List.of("/healthz", "/livez", "/readyz", "/version", "/openapi/v2", "/openapi/v3")) {
      paths.add(p);
    }
    return root;
  }

  private static ApiStatus notFoundPath(String path) {
    return new ApiStatus(
        404,
        "NotFound",
        "the server could not find the requested resource",
        new ApiStatus.Details(null, null, null, null),
        null);
  }

  private boolean authenticated(HttpRequest request) {
    Optional<HttpHeader> header = request.getHeader("Authorization");
    if (header.isEmpty()) {
      return false;
    }
    String value = header.get().value();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(value.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
  }

  private CompletionStage<HttpResponse> openApi(List<String> segments, String accept) {
    if (segments.size() == 2 && segments.get(1).equals("v2")) {
      return done(Responses.json(200, OpenApi.v2()));
    }
    if (segments.size() >= 2 && segments.get(1).equals("v3")) {
      if (segments.size() == 2) {
        return done(Responses.json(200, OpenApi.v3Root()));
      }
      List<String> rest = segments.subList(2, segments.size());
      Optional<byte[]> doc = Optional.empty();
      if (rest.size() == 2 && rest.get(0).equals("api")) {
        doc = OpenApi.v3GroupVersion("", rest.get(1));
      } else if (rest.size() == 3 && rest.get(0).equals("apis")) {
        doc = OpenApi.v3GroupVersion(rest.get(1), rest.get(2));
      }
      if (doc.isPresent()) {
        return done(Responses.json(200, doc.get()));
      }
    }
    return done(Responses.status(notFoundPath("/" + String.join("/", segments))));
  }

  private CompletionStage<HttpResponse> resource(
      HttpRequest request,
      Query query,
      String accept,
      String group,
      String version,
      List<String> rest) {
    // --- node stats (issue 8): nodes/{name}/proxy/stats/summary and metrics.k8s.io ---
    if (NodeProxy.serves(group, rest)) {
      return nodeProxy
          .handle(request.method().value(), rest.get(1), rest.subList(3, rest.size()))
          .thenApply(body -> Responses.json(200, body));
    }
    if (group.equals(MetricsApi.GROUP)) {
      if (!request.method().value().equals("GET")) {
        return done(
            Responses.status(
                ApiStatus.methodNotAllowed(
                    "the server does not allow this method on the requested resource")));
      }
      return metrics
          .get(version, rest, query)
          .map(answer -> answer.thenApply(body -> Responses.json(200, body)))
          .orElseGet(() -> done(Responses.status(notFoundPath(request.getUri().path()))));
    }
    // --- end node stats ---
    if (group.isEmpty()
        && rest.size() == 3
        && rest.get(0).equals("namespaces")
        && rest.get(2).equals("bindings")
        && request.method().value().equals("POST")) {
      return body(request).thenCompose(body -> bind(rest.get(1), null, body));
    }
    Optional<RequestTarget> parsed = RequestTarget.parse(group, version, rest);
    if (parsed.isEmpty()) {
      return done(Responses.status(notFoundPath(request.getUri().path())));
    }
    RequestTarget target = parsed.get();
    ResourceType type = target.type();
    String method = request.method().value();
    boolean table = accept.contains("as=Table");
    if (target.isCollection()) {
      return switch (method) {
        case "GET" ->
            isWatch(query) ? watch(request, query, target, table) : list(query, target, table);
        case "POST" -> body(request).thenCompose(body -> create(query, target, body));
        case "DELETE" -> body(request).thenCompose(body -> deleteCollection(query, target, body));
        default ->
            done(
                Responses.status(
                    ApiStatus.methodNotAllowed(
                        "the server does not allow this method on the requested resource")));
      };
    }
    String sub = target.subresource();
    if ("binding".equals(sub) && type.equals(ResourceTypes.PODS) && method.equals("POST")) {
      return body(request).thenCompose(body -> bind(target.namespace(), target.name(), body));
    }
    // --- pods/eviction (issue 4): PodDisruptionBudget-checked delete, see PodEviction ---
    if ("eviction".equals(sub) && type.equals(ResourceTypes.PODS) && method.equals("POST")) {
      return body(request)
          .thenCompose(
              body ->
                  new PodEviction(store, clock)
                      .evict(target.namespace(), target.name(), parseBody(body)))
          .thenApply(
              evicted ->
                  Responses.json(
                      201,
                      Json.MAPPER
                          .createObjectNode()
                          .put("kind", "Status")
                          .put("apiVersion", "v1")
                          .<ObjectNode>set("metadata", Json.MAPPER.createObjectNode())
                          .put("status", "Success")
                          .put("code", 201)));
    }
    // --- end pods/eviction ---
    if ("scale".equals(sub) && type.subresources().contains("scale")) {
      return scale(request, query, target, method);
    }
    // --- pods/{name}/log and pods/{name}/exec (issue 3): served by the pod's node agent ---
    if (type.equals(ResourceTypes.PODS) && PodStreamsApi.serves(sub)) {
      return podStreams.handle(request, query, target.namespace(), target.name(), sub);
    }
    // --- end pods/{name}/log and exec ---
    if (sub != null && !(sub.equals("status") && type.hasStatus())) {
      return done(Responses.status(notFoundPath(request.getUri().path())));
    }
    return switch (method) {
      case "GET" -> {
        if (isWatch(query)) {
          RequestTarget collection = new RequestTarget(type, target.namespace(), null, null);
          yield watch(
              request,
              query.withParam("fieldSelector", "metadata.name=" + target.name()),
              collection,
              table);
        }
        yield store
            .get(type, target.namespace(), target.name())
            .thenApply(o -> objectResponse(200, type, o, table));
      }
      case "PUT" -> body(request).thenCompose(body -> update(query, target, body));
      case "PATCH" -> body(request).thenCompose(body -> patch(request, query, target, body));
      case "DELETE" ->
          sub != null
              ? done(
                  Responses.status(
                      ApiStatus.methodNotAllowed(
                          "the server does not allow this method on the requested resource")))
              : body(request).thenCompose(body -> delete(query, target, body));
      default ->
          done(
              Responses.status(
                  ApiStatus.methodNotAllowed(
                      "the server does not allow this method on the requested resource")));
    };
  }

  private static boolean isWatch(Query query) {
    String w = query.get("watch").orElse("");
    return w.equals("true") || w.equals("1");
  }

  /**
   * The request body; a Kubernetes protobuf body (kubectl sends some) as its JSON equivalent. The
   * request continues on the actor system's dispatcher: Akka's {@code toStrict} answers with
   * Scala's {@code CompletionStage}, whose non-async stages would hop to the JDK's common pool.
   */
  private CompletionStage<byte[]> body(HttpRequest request) {
    boolean protobuf = KubeProtobuf.isProtobuf(request.entity().getContentType().toString());
    return request
        .entity()
        .toStrict(60_000, maxBodyBytes, system)
        .thenApplyAsync(
            strict -> {
              byte[] b = strict.getData().toArray();
              return protobuf && b.length > 0 ? Json.bytes(KubeProtobuf.decode(b)) : b;
            },
            system.executionContext());
  }

  private HttpResponse objectResponse(int code, ResourceType type, StoredObject o, boolean table) {
    if (table) {
      return Responses.json(
          code, TableConvertor.table(type, List.of(o.object()), clock.instant(), null, null, true));
    }
    return Responses.json(code, o.json());
  }

  // ---- reads -------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> list(Query query, RequestTarget target, boolean table) {
    ResourceType type = target.type();
    ListOptions options =
        new ListOptions(
            target.namespace(),
            query.get("labelSelector").orElse(""),
            query.get("fieldSelector").orElse(""),
            parseLong(query.get("limit").orElse("0"), "limit"),
            query.get("continue").orElse(""),
            query.get("resourceVersion").orElse(""));
    return store
        .list(type, options)
        .thenApply(result -> table ? tableList(type, result) : jsonList(type, result));
  }

  private HttpResponse tableList(ResourceType type, ListResult result) {
    List<ObjectNode> objects = result.items().stream().map(StoredObject::object).toList();
    return Responses.json(
        200,
        TableConvertor.table(
            type,
            objects,
            clock.instant(),
            Long.toString(result.revision()),
            result.continueToken(),
            true));
  }

  /** The list document assembled from the stored bytes of each item (no re-serialisation). */
  private static HttpResponse jsonList(ResourceType type, ListResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + result.items().size() * 1024);
    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.put("resourceVersion", Long.toString(result.revision()));
    if (result.continueToken() != null) {
      meta.put("continue", result.continueToken());
    }
    write(
        out,
        "{\"kind\":\""
            + type.listKind()
            + "\",\"apiVersion\":\""
            + type.apiVersion()
            + "\",\"metadata\":");
    out.writeBytes(Json.bytes(meta));
    write(out, ",\"items\":[");
    boolean first = true;
    for (StoredObject o : result.items()) {
      if (!first) {
        out.write(',');
      }
      out.writeBytes(o.json());
      first = false;
    }
    write(out, "]}");
    return Responses.json(200, out.toByteArray());
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private CompletionStage<HttpResponse> watch(
      HttpRequest request, Query query, RequestTarget target, boolean table) {
    ResourceType type = target.type();
    WatchOptions options =
        new WatchOptions(
            target.namespace(),
            query.get("labelSelector").orElse(""),
            query.get("fieldSelector").orElse(""),
            query.get("resourceVersion").orElse(""),
            query
                .get("allowWatchBookmarks")
                .map(v -> v.equals("true") || v.equals("1"))
                .orElse(false),
            parseLong(query.get("timeoutSeconds").orElse("0"), "timeoutSeconds"));
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    return store
        .watch(type, options)
        .thenApply(
            events -> {
              Source<ByteString, ?> lines = events.map(e -> eventLine(type, e, table));
              if (upgrade.isPresent()) {
                Source<Message, ?> frames =
                    lines.map(b -> (Message) TextMessage.create(b.utf8String()));
                return upgrade.get().handleMessagesWith(Sink.ignore(), frames);
              }
              return HttpResponse.create()
                  .withStatus(200)
                  .withEntity(
                      HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, lines.map(b -> b)));
            });
  }

  private ByteString eventLine(ResourceType type, WatchEvent e, boolean table) {
    byte[] object;
    if (table && !e.type().equals("ERROR") && !e.type().equals("BOOKMARK")) {
      object =
          Json.bytes(
              TableConvertor.table(type, List.of(e.object()), clock.instant(), null, null, true));
    } else {
      object = e.json();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(object.length + 32);
    write(out, "{\"type\":\"" + e.type() + "\",\"object\":");
    out.writeBytes(object);
    write(out, "}\n");
    return ByteString.fromArrayUnsafe(out.toByteArray());
  }

  private CompletionStage<HttpResponse> history(List<String> rest) {
    // namespaces/{ns}/{resource}/{name} or {resource}/{name}; resource is plural or plural.group
    String namespace = null;
    String resource;
    String name;
    if (rest.size() == 4 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      resource = rest.get(2);
      name = rest.get(3);
    } else if (rest.size() == 2) {
      resource = rest.get(0);
      name = rest.get(1);
    } else {
      return done(
          Responses.status(
              notFoundPath("/apis/" + HISTORY_GROUP + "/v1/" + String.join("/", rest))));
    }
    Optional<ResourceType> type =
        ResourceTypes.all().stream()
            .filter(t -> t.qualifiedResource().equals(resource) || t.plural().equals(resource))
            .findFirst();
    if (type.isEmpty() || type.get().namespaced() != (namespace != null)) {
      return done(
          Responses.status(
              notFoundPath("/apis/" + HISTORY_GROUP + "/v1/" + String.join("/", rest))));
    }
    ResourceType t = type.get();
    return store
        .history(t, t.namespaced() ? rest.get(1) : null, name)
        .thenApply(
            entries -> {
              ObjectNode doc = Json.MAPPER.createObjectNode();
              doc.put("kind", "ObjectHistory");
              doc.put("apiVersion", HISTORY_GROUP + "/v1");
              ObjectNode target = doc.putObject("target");
              target.put("apiVersion", t.apiVersion());
              target.put("kind", t.kind());
              if (t.namespaced()) {
                target.put("namespace", rest.get(1));
              }
              target.put("name", name);
              ArrayNode items = doc.putArray("changes");
              for (HistoryEntry e : entries) {
                ObjectNode item = items.addObject();
                item.put("time", e.time().toString());
                item.put("type", e.eventType());
                item.put("uid", e.uid());
                item.put("sequenceNr", e.sequenceNr());
                if (e.revision() != null) {
                  item.put("resourceVersion", Long.toString(e.revision()));
                }
                item.set("object", e.object());
              }
              return Responses.json(200, doc);
            });
  }

  // ---- writes ------------------------------------------------------------------------------

  /** {@code …/scale}: an autoscaling/v1 Scale view; PUT and PATCH write spec.replicas. */
  private CompletionStage<HttpResponse> scale(
      HttpRequest request, Query query, RequestTarget target, String method) {
    ResourceType type = target.type();
    CompletionStage<StoredObject> result =
        switch (method) {
          case "GET" -> store.get(type, target.namespace(), target.name());
          case "PUT" ->
              body(request)
                  .thenCompose(
                      body ->
                          store.update(
                              type,
                              target.namespace(),
                              target.name(),
                              parseBody(body),
                              "scale",
                              writeOptions(query)));
          case "PATCH" ->
              body(request)
                  .thenCompose(
                      body ->
                          store.patch(
                              type,
                              target.namespace(),
                              target.name(),
                              patchTypeOf(request),
                              body,
                              "scale",
                              writeOptions(query)));
          default ->
              throw ApiStatus.methodNotAllowed(
                      "the server does not allow this method on the requested resource")
                  .exception();
        };
    return result.thenApply(
        o -> Responses.json(200, io.akkube.core.object.ScaleSubresource.view(o.object())));
  }

  private static PatchType patchTypeOf(HttpRequest request) {
    return PatchType.ofContentType(request.entity().getContentType().toString())
        .orElseThrow(
            () ->
                ApiStatus.unsupportedMediaType(
                        "the body of the request was in an unknown format - accepted media types"
                            + " include: application/json-patch+json,"
                            + " application/merge-patch+json,"
                            + " application/strategic-merge-patch+json,"
                            + " application/apply-patch+yaml")
                    .exception());
  }

  /** pods/{name}/binding (and the bindings collection): a v1 Binding naming the target node. */
  private CompletionStage<HttpResponse> bind(String namespace, String podName, byte[] body) {
    ObjectNode binding = parseBody(body);
    String kind = Json.text(binding, "kind");
    if (!kind.isEmpty() && !kind.equals("Binding")) {
      throw ApiStatus.badRequest("expected a Binding, got " + kind).exception();
    }
    String name = podName != null ? podName : Json.name(binding);
    String node = binding.path("target").path("name").asText("");
    if (node.isEmpty()) {
      throw ApiStatus.invalid(
              ResourceTypes.PODS,
              name,
              List.of(io.akkube.core.api.FieldError.required("target.name", "")))
          .exception();
    }
    return store
        .bind(namespace, name, node)
        .thenApply(
            pod -> {
              ObjectNode ok = Json.MAPPER.createObjectNode();
              ok.put("kind", "Status");
              ok.put("apiVersion", "v1");
              ok.putObject("metadata");
              ok.put("status", "Success");
              ok.put("code", 201);
              return Responses.json(201, ok);
            });
  }

  private WriteOptions writeOptions(Query query) {
    List<String> dryRun = query.getAll("dryRun");
    for (String d : dryRun) {
      if (!d.equals("All")) {
        throw ApiStatus.badRequest("Invalid dryRun value: " + d + ". Valid values are: All")
            .exception();
      }
    }
    return new WriteOptions(
        !dryRun.isEmpty(),
        query.get("fieldManager").orElse(null),
        query.get("force").map("true"::equals).orElse(false));
  }

  /** Decodes a JSON (or YAML) object body; checks kind/apiVersion and unknown fields. */
  private DecodedBody decode(Query query, ResourceType type, byte[] body, boolean expectKind) {
    if (body.length == 0) {
      throw ApiStatus.badRequest("the body of the request was empty").exception();
    }
    ObjectNode object = parseBody(body);
    if (expectKind) {
      String apiVersion = Json.text(object, "apiVersion");
      String kind = Json.text(object, "kind");
      if (kind.isEmpty()) {
        throw ApiStatus.badRequest("Object 'Kind' is missing in '" + abbreviate(body) + "'")
            .exception();
      }
      if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())
          || !kind.equals(type.kind())) {
        throw ApiStatus.badRequest(
                "the API version in the data ("
                    + apiVersion
                    + ") does not match the expected API version ("
                    + type.apiVersion()
                    + ")")
            .exception();
      }
    }
    return checkUnknownFields(query, type, object);
  }

  private record DecodedBody(ObjectNode object, List<String> warnings) {}

  /**
   * fieldValidation: Strict rejects unknown fields (400); Warn (the server default) and Ignore drop
   * them, Warn with a warning per field — as the kube-apiserver does.
   */
  private DecodedBody checkUnknownFields(Query query, ResourceType type, ObjectNode object) {
    String validation = query.get("fieldValidation").orElse("Warn");
    if (!validation.equals("Strict")
        && !validation.equals("Warn")
        && !validation.equals("Ignore")) {
      throw ApiStatus.badRequest("fieldValidation parameter unsupported: " + validation)
          .exception();
    }
    UnknownFields.Pruned pruned = UnknownFields.prune(type, object);
    if (pruned.removed().isEmpty()) {
      return new DecodedBody(object, List.of());
    }
    if (validation.equals("Strict")) {
      throw UnknownFields.strictError(type, pruned.removed()).exception();
    }
    List<String> warnings =
        validation.equals("Warn")
            ? pruned.removed().stream().map(UnknownFields::warning).toList()
            : List.of();
    return new DecodedBody(pruned.object(), warnings);
  }

  private static ObjectNode parseBody(byte[] body) {
    int i = 0;
    while (i < body.length && Character.isWhitespace(body[i])) {
      i++;
    }
    if (i < body.length && body[i] == '{') {
      return Json.parseObject(body);
    }
    try {
      JsonNode n = Json.YAML.readTree(body);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (Exception e) {
      throw ApiStatus.badRequest("error decoding request body: " + e.getMessage()).exception();
    }
    throw ApiStatus.badRequest("the request body must be an object").exception();
  }

  private static String abbreviate(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    return s.replace("\n", " ");
  }

  private CompletionStage<HttpResponse> create(Query query, RequestTarget target, byte[] body) {
    ResourceType type = target.type();
    DecodedBody decoded = decode(query, type, body, true);
    String bodyNamespace = Json.namespace(decoded.object());
    if (type.namespaced()
        && !bodyNamespace.isEmpty()
        && !bodyNamespace.equals(target.namespace())) {
      throw ApiStatus.badRequest(
              "the namespace of the provided object does not match the namespace sent on the request")
          .exception();
    }
    if (type.namespaced() && target.namespace() == null) {
      return done(
          Responses.status(
              ApiStatus.methodNotAllowed(
                  "the server does not allow this method on the requested resource")));
    }
    return store
        .create(type, target.namespace(), decoded.object(), writeOptions(query))
        .thenApply(o -> Responses.withWarnings(Responses.json(201, o.json()), decoded.warnings()));
  }

  private CompletionStage<HttpResponse> update(Query query, RequestTarget target, byte[] body) {
    ResourceType type = target.type();
    DecodedBody decoded = decode(query, type, body, true);
    return store
        .update(
            type,
            target.namespace(),
            target.name(),
            decoded.object(),
            target.subresource(),
            writeOptions(query))
        .thenApply(o -> Responses.withWarnings(Responses.json(200, o.json()), decoded.warnings()));
  }

  private CompletionStage<HttpResponse> patch(
      HttpRequest request, Query query, RequestTarget target, byte[] body) {
    PatchType patchType = patchTypeOf(request);
    List<String> warnings = List.of();
    byte[] patch = body;
    if (patchType == PatchType.MERGE_PATCH || patchType == PatchType.STRATEGIC_MERGE_PATCH) {
      // A merge-style patch is a partial object: its unknown fields are checked like a body's.
      DecodedBody checked = checkUnknownFields(query, target.type(), Json.parseObject(body));
      warnings = checked.warnings();
      patch = Json.bytes(checked.object());
    }
    List<String> finalWarnings = warnings;
    byte[] finalPatch = patch;
    return store
        .patch(
            target.type(),
            target.namespace(),
            target.name(),
            patchType,
            finalPatch,
            target.subresource(),
            writeOptions(query))
        .thenApply(o -> Responses.withWarnings(Responses.json(200, o.json()), finalWarnings));
  }

  private DeleteOptions deleteOptions(Query query, byte[] body) {
    Long grace =
        query.get("gracePeriodSeconds").map(v -> parseLong(v, "gracePeriodSeconds")).orElse(null);
    String propagation = query.get("propagationPolicy").orElse(null);
    String uid = null;
    String rv = null;
    boolean dryRun = !query.getAll("dryRun").isEmpty();
    if (body.length > 0) {
      ObjectNode opts = parseBody(body);
      if (opts.hasNonNull("gracePeriodSeconds")) {
        grace = opts.get("gracePeriodSeconds").asLong();
      }
      if (opts.hasNonNull("propagationPolicy")) {
        propagation = opts.get("propagationPolicy").asText();
      }
      if (opts.hasNonNull("orphanDependents") && opts.get("orphanDependents").asBoolean()) {
        propagation = "Orphan";
      }
      JsonNode pre = opts.path("preconditions");
      if (pre.hasNonNull("uid")) {
        uid = pre.get("uid").asText();
      }
      if (pre.hasNonNull("resourceVersion")) {
        rv = pre.get("resourceVersion").asText();
      }
      JsonNode dr = opts.path("dryRun");
      if (dr.isArray() && dr.size() > 0) {
        dryRun = true;
      }
    }
    if (propagation != null
        && !List.of("Orphan", "Background", "Foreground").contains(propagation)) {
      throw ApiStatus.badRequest(
              "propagationPolicy: Unsupported value: \""
                  + propagation
                  + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
          .exception();
    }
    return new DeleteOptions(grace, uid, rv, propagation, dryRun);
  }

  private CompletionStage<HttpResponse> delete(Query query, RequestTarget target, byte[] body) {
    ResourceType type = target.type();
    DeleteOptions options = deleteOptions(query, body);
    return store
        .delete(type, target.namespace(), target.name(), options)
        .thenApply(
            result -> {
              if (!result.finished()) {
                return Responses.json(202, result.object().json());
              }
              if (type.equals(ResourceTypes.PODS)) {
                return Responses.json(200, result.object().json());
              }
              return Responses.json(200, successStatus(type, result.object()));
            });
  }

  private static ObjectNode successStatus(ResourceType type, StoredObject object) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    ObjectNode d = s.putObject("details");
    d.put("name", Json.name(object.object()));
    if (!type.group().isEmpty()) {
      d.put("group", type.group());
    }
    d.put("kind", type.plural());
    d.put("uid", Json.metaText(object.object(), "uid"));
    return s;
  }

  private CompletionStage<HttpResponse> deleteCollection(
      Query query, RequestTarget target, byte[] body) {
    ResourceType type = target.type();
    DeleteOptions options = deleteOptions(query, body);
    ListOptions listOptions =
        new ListOptions(
            target.namespace(),
            query.get("labelSelector").orElse(""),
            query.get("fieldSelector").orElse(""),
            0,
            "",
            "");
    return store
        .list(type, listOptions)
        .thenCompose(
            result -> {
              List<CompletableFuture<StoredObject>> deletions = new ArrayList<>();
              for (StoredObject o : result.items()) {
                deletions.add(
                    store
                        .delete(
                            type,
                            Json.namespace(o.object()).isEmpty()
                                ? null
                                : Json.namespace(o.object()),
                            Json.name(o.object()),
                            options)
                        .thenApply(r -> r.object())
                        .exceptionally(f -> null)
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                  .thenApply(
                      v -> {
                        List<StoredObject> deleted =
                            deletions.stream()
                                .map(CompletableFuture::join)
                                .filter(o -> o != null)
                                .toList();
                        return jsonList(
                            type, new ListResult(deleted, result.revision(), null, null));
                      });
            });
  }

  private static long parseLong(String value, String param) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiStatus.badRequest("invalid value for " + param + ": " + value).exception();
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  static HttpHeader warningHeader(String text) {
    return RawHeader.create("Warning", "299 - \"" + text.replace("\"", "\\\"") + "\"");
  }
}
