package io.akkube.cluster.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A watch over WebSocket ({@code wss://…?watch=true}) with java.net.http: every text message is one
 * watch event, as with the chunked protocol.
 */
final class WebSocketWatch implements AutoCloseable {

  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  private WebSocketWatch() {}

  static WebSocketWatch open(AkkubeProcess akkube, String pathAndQuery) throws Exception {
    WebSocketWatch watch = new WebSocketWatch();
    URI uri = URI.create("wss://127.0.0.1:" + akkube.port() + pathAndQuery);
    watch.socket =
        HttpClient.newBuilder()
            .sslContext(akkube.sslContext())
            .build()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + akkube.token())
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, watch.listener())
            .get(30, TimeUnit.SECONDS);
    return watch;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          for (String line : partial.toString().split("\n")) {
            if (!line.isBlank()) {
              events.add(ApiHttp.parse(line));
            }
          }
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }
    };
  }

  List<JsonNode> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
  }
}
