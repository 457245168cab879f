package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The actions probes and lifecycle hooks run (exec inside the container, httpGet, tcpSocket), with
 * the kubelet's success rules (exit 0; HTTP 200–399; a TCP connect) and failure messages.
 */
final class Handlers {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private Handlers() {}

  record Outcome(boolean success, String message) {}

  static Outcome run(
      JsonNode action,
      ContainerRuntime runtime,
      ContainerHandle handle,
      JsonNode container,
      String podIp,
      Duration timeout) {
    if (action.has("exec")) {
      List<String> command = new ArrayList<>();
      action.get("exec").path("command").forEach(c -> command.add(c.asText()));
      if (command.isEmpty()) {
        return new Outcome(false, "exec action has no command");
      }
      ContainerRuntime.ExecResult r = runtime.exec(handle, command, timeout);
      if (r.timedOut()) {
        // the CRI's ExecSync timeout error, as the kubelet reports it
        return new Outcome(false, "command " + goQuote(String.join(" ", command)) + " timed out");
      }
      return new Outcome(r.exitCode() == 0, r.output().strip());
    }
    if (action.has("httpGet")) {
      return httpGet(action.get("httpGet"), container, podIp, timeout);
    }
    if (action.has("tcpSocket")) {
      JsonNode tcp = action.get("tcpSocket");
      String host = Json.text(tcp, "host").isEmpty() ? podIp : Json.text(tcp, "host");
      int port = port(tcp.path("port"), container);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
        return new Outcome(true, "");
      } catch (IOException e) {
        return new Outcome(false, "dial tcp " + host + ":" + port + ": connect: " + reason(e));
      }
    }
    if (action.has("sleep")) {
      try {
        Thread.sleep(action.get("sleep").path("seconds").asLong(0) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Outcome(true, "");
    }
    return new Outcome(false, "unknown handler");
  }

  private static Outcome httpGet(JsonNode get, JsonNode container, String podIp, Duration timeout) {
    String host = Json.text(get, "host").isEmpty() ? podIp : Json.text(get, "host");
    int port = port(get.path("port"), container);
    String scheme =
        Json.text(get, "scheme").isEmpty() ? "http" : Json.text(get, "scheme").toLowerCase();
    String path = Json.text(get, "path");
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String url = scheme + "://" + host + ":" + port + path;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .GET()
              .header("User-Agent", "kube-probe/1.32");
      for (JsonNode h : get.path("httpHeaders")) {
        request.setHeader(Json.text(h, "name"), Json.text(h, "value"));
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      if (code >= 200 && code < 400) {
        return new Outcome(true, "");
      }
      return new Outcome(false, "HTTP probe failed with statuscode: " + code);
    } catch (IOException e) {
      return new Outcome(
          false, "Get \"" + url + "\": dial tcp " + host + ":" + port + ": connect: " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    } catch (IllegalArgumentException e) {
      return new Outcome(false, "invalid URL " + url);
    }
  }

  /** A port by number or by the name of one of the container's ports. */
  static int port(JsonNode port, JsonNode container) {
    if (port.isInt() || port.asText().matches("\\d+")) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (Json.text(p, "name").equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  /** Go's %q for the plain strings a command line holds. */
  static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String reason(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.toLowerCase().contains("refused") ? "connection refused" : m;
  }
}
