package io.akkube.http.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.table.TableConvertor;
import io.akkube.http.discovery.Discovery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Just enough of an API server for kubectl's discovery, explain and get: the real documents of
 * {@link Discovery}, {@link OpenApi} and {@link TableConvertor}, without actors or routes.
 */
final class ThrowawayApiServer implements AutoCloseable {

  private final HttpServer server;
  private final List<ObjectNode> pods;

  ThrowawayApiServer(List<ObjectNode> pods) throws IOException {
    this.pods = pods;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String accept = Optional.ofNullable(ex.getRequestHeaders().getFirst("Accept")).orElse("");
    try (ex) {
      if (path.equals("/api") || path.equals("/apis")) {
        if (Discovery.wantsAggregated(accept)) {
          send(
              ex,
              Discovery.AGGREGATED_CONTENT_TYPE,
              Json.bytes(
                  path.equals("/api")
                      ? Discovery.aggregatedLegacy()
                      : Discovery.aggregatedGroups()));
        } else {
          send(
              ex,
              "application/json",
              Json.bytes(
                  path.equals("/api")
                      ? Discovery.apiVersions(ex.getLocalAddress().toString().substring(1))
                      : Discovery.apiGroupList()));
        }
      } else if (path.equals("/api/v1")) {
        send(ex, "application/json", Json.bytes(Discovery.apiResourceList("", "v1").get()));
      } else if (path.equals("/openapi/v2")) {
        send(ex, "application/json", OpenApi.v2());
      } else if (path.equals("/openapi/v3")) {
        send(ex, "application/json", OpenApi.v3Root());
      } else if (path.startsWith("/openapi/v3/api/")) {
        String version = path.substring("/openapi/v3/api/".length());
        Optional<byte[]> doc = OpenApi.v3GroupVersion("", version);
        if (doc.isPresent()) {
          send(ex, "application/json", doc.get());
        } else {
          notFound(ex);
        }
      } else if (path.equals("/api/v1/namespaces/default/pods") && accept.contains("as=Table")) {
        ObjectNode table =
            TableConvertor.table(ResourceTypes.PODS, pods, Instant.now(), "42", null, true);
        send(ex, "application/json", Json.bytes(table));
      } else if (path.equals("/version")) {
        ObjectNode v = Json.MAPPER.createObjectNode();
        v.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-akkube");
        send(ex, "application/json", Json.bytes(v));
      } else {
        notFound(ex);
      }
    }
  }

  private static void notFound(HttpExchange ex) throws IOException {
    byte[] body = Json.bytes(io.akkube.core.api.ApiStatus.badRequest("not found").toJson());
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(404, body.length);
    ex.getResponseBody().write(body);
  }

  private static void send(HttpExchange ex, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
