package io.akkube.cluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kill -9 of the real process: acknowledged writes survive, revisions keep growing. */
class DurabilityIT {

  @RegisterExtension static final SharedAkkube akkube = SharedAkkube.started();

  private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

  @Test
  void everyCreateAcknowledgedBeforeKill9IsListedAfterRestartWithAHigherListResourceVersion()
      throws Exception {
    AkkubeProcess server = akkube.process();
    ApiHttp api = akkube.api();
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; ; i++) {
                  String name = "cm-" + thread + "-" + i;
                  HttpResponse<String> r;
                  try {
                    r =
                        api.send(
                            api.request(CONFIGMAPS)
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(configMap(name)))
                                .build());
                  } catch (RuntimeException e) {
                    return; // the server is gone: this create is unacknowledged
                  }
                  if (r.statusCode() == 201) {
                    acknowledged.put(name, ApiHttp.resourceVersion(ApiHttp.parse(r.body())));
                  } else {
                    unexpected.add(name + " → " + r.statusCode() + " " + r.body());
                    return;
                  }
                }
              },
              "writer-" + t);
      writer.setDaemon(true);
      writers.add(writer);
      writer.start();
    }
    Await.until(
        Duration.ofSeconds(60), "200 acknowledged creates", () -> acknowledged.size() >= 200);
    server.kill9();
    for (Thread writer : writers) {
      writer.join(Duration.ofSeconds(30).toMillis());
      assertThat(writer.isAlive()).as("%s stopped after the kill", writer.getName()).isFalse();
    }
    assertThat(unexpected).as("answers other than 201 or a broken connection").isEmpty();
    Map<String, Long> before = Map.copyOf(acknowledged);
    long highestBefore = before.values().stream().mapToLong(Long::longValue).max().orElseThrow();

    server.restart();

    JsonNode list = api.getJson(CONFIGMAPS);
    Set<String> listed = new TreeSet<>();
    list.path("items").forEach(i -> listed.add(i.path("metadata").path("name").asText()));
    assertThat(listed).containsAll(before.keySet());
    long listRv = Long.parseLong(list.path("metadata").path("resourceVersion").asText());
    assertThat(listRv).isGreaterThan(highestBefore);
  }

  @Test
  void aWatchFromAResourceVersionOfAnEarlierEpochGetsAnErrorEventWithCode410() throws Exception {
    AkkubeProcess server = akkube.process();
    ApiHttp api = akkube.api();
    api.ensureNamespace("epochs");
    String pods = "/api/v1/namespaces/epochs/pods";
    assertThat(api.post(pods, ApiHttp.pod("before", "nginx:1.17")).statusCode()).isEqualTo(201);
    String oldRv = api.getJson(pods).path("metadata").path("resourceVersion").asText();

    server.kill9();
    server.restart();

    try (ApiHttp.ChunkedWatch watch = api.watch(pods + "?watch=true&resourceVersion=" + oldRv)) {
      Await.until(Duration.ofSeconds(30), "an event", () -> !watch.events().isEmpty());
      JsonNode event = watch.events().get(0);
      assertThat(event.path("type").asText()).as("%s", event).isEqualTo("ERROR");
      JsonNode status = event.path("object");
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("code").asInt()).isEqualTo(410);
      assertThat(status.path("reason").asText()).isIn("Expired", "Gone");
    }
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"data\":{\"n\":\""
        + name
        + "\"}}";
  }
}
