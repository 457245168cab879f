package io.akkube.cluster.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Plain HTTPS calls to the Kubernetes REST API of one akkube, trusting its certificate and sending
 * its bearer token: what any client library does underneath.
 */
final class ApiHttp {

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient client;

  ApiHttp(AkkubeProcess akkube) {
    this.base = akkube.baseUrl();
    this.token = akkube.token();
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(akkube.sslContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  HttpClient client() {
    return client;
  }

  URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  String token() {
    return token;
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  HttpResponse<String> mergePatch(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/merge-patch+json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** GET that must answer 200, parsed. */
  JsonNode getJson(String path) {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " → " + r.statusCode() + " " + r.body());
    }
    return parse(r.body());
  }

  /** Creates a namespace (no-op if it exists). */
  void ensureNamespace(String name) {
    HttpResponse<String> r =
        post(
            "/api/v1/namespaces",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + name
                + "\"}}");
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new AssertionError(
          "creating namespace " + name + " → " + r.statusCode() + " " + r.body());
    }
  }

  static String pod(String name, String image) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\""
        + image
        + "\"}]}}";
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  static long resourceVersion(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }

  static ObjectNode object(String json) {
    return (ObjectNode) parse(json);
  }

  /**
   * A chunked watch ({@code ?watch=true}) read line by line in the background, the way client-go
   * reads it.
   */
  ChunkedWatch watch(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      HttpResponse<Stream<String>> response =
          client.send(request, HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "watch "
                + pathAndQuery
                + " → "
                + response.statusCode()
                + " "
                + String.join("\n", response.body().toList()));
      }
      return new ChunkedWatch(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The events of a chunked watch, one JSON object per line. */
  static final class ChunkedWatch implements AutoCloseable {
    private final Stream<String> lines;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private ChunkedWatch(Stream<String> lines) {
      this.lines = lines;
      Thread reader =
          new Thread(
              () -> {
                try {
                  lines.filter(l -> !l.isBlank()).forEach(l -> events.add(parse(l)));
                } catch (RuntimeException e) {
                  // closed
                }
              },
              "chunked-watch");
      reader.setDaemon(true);
      reader.start();
    }

    List<JsonNode> events() {
      return List.copyOf(events);
    }

    @Override
    public void close() {
      lines.close();
    }
  }
}
