package io.akkube.cluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes REST API of one real akkube over plain HTTPS: authentication, health, validation
 * errors and the history extension, as any client sees them.
 */
class ApiIT {

  @RegisterExtension static final SharedAkkube akkube = SharedAkkube.started();

  @Test
  void aRequestWithoutATokenGets401WithAStatusBody() {
    HttpResponse<String> r =
        akkube.api().send(HttpRequest.newBuilder(akkube.api().uri("/api/v1/pods")).build());
    assertUnauthorized(r);
  }

  @Test
  void aRequestWithAWrongTokenGets401WithAStatusBody() {
    HttpResponse<String> r =
        akkube
            .api()
            .send(
                HttpRequest.newBuilder(akkube.api().uri("/api/v1/namespaces"))
                    .header("Authorization", "Bearer not-the-token")
                    .build());
    assertUnauthorized(r);
  }

  private static void assertUnauthorized(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    JsonNode status = ApiHttp.parse(r.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
    assertThat(status.path("code").asInt()).isEqualTo(401);
  }

  @Test
  void healthAndVersionEndpointsNeedNoToken() {
    for (String path : List.of("/readyz", "/livez", "/healthz")) {
      HttpResponse<String> r =
          akkube.api().send(HttpRequest.newBuilder(akkube.api().uri(path)).build());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isEqualTo("ok");
    }
    HttpResponse<String> version =
        akkube.api().send(HttpRequest.newBuilder(akkube.api().uri("/version")).build());
    assertThat(version.statusCode()).isEqualTo(200);
    JsonNode v = ApiHttp.parse(version.body());
    assertThat(v.path("major").asText()).isEqualTo("1");
    assertThat(v.path("gitVersion").asText()).startsWith("v1.");
  }

  @Test
  void invalidPodsGet422WithTheFieldInTheirCausesAndAreNotStored() {
    ApiHttp api = akkube.api();
    api.ensureNamespace("invalid-http");
    String pods = "/api/v1/namespaces/invalid-http/pods";

    HttpResponse<String> badName = api.post(pods, ApiHttp.pod("Bad_Name", "nginx"));
    assertThat(badName.statusCode()).as(badName.body()).isEqualTo(422);
    JsonNode status = ApiHttp.parse(badName.body());
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("message").asText())
        .startsWith("Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": ");
    assertThat(status.path("details").path("causes"))
        .anySatisfy(
            c -> {
              assertThat(c.path("field").asText()).isEqualTo("metadata.name");
              assertThat(c.path("reason").asText()).isEqualTo("FieldValueInvalid");
            });

    HttpResponse<String> noContainers =
        api.post(
            pods,
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"empty\"},"
                + "\"spec\":{\"containers\":[]}}");
    assertThat(noContainers.statusCode()).as(noContainers.body()).isEqualTo(422);
    JsonNode status2 = ApiHttp.parse(noContainers.body());
    assertThat(status2.path("message").asText())
        .isEqualTo("Pod \"empty\" is invalid: spec.containers: Required value");
    assertThat(status2.path("details").path("causes"))
        .anySatisfy(
            c -> {
              assertThat(c.path("field").asText()).isEqualTo("spec.containers");
              assertThat(c.path("reason").asText()).isEqualTo("FieldValueRequired");
            });

    assertThat(api.getJson(pods).path("items")).isEmpty();
  }

  @Test
  void historyListsEveryChangeAcrossTwoIncarnations() {
    ApiHttp api = akkube.api();
    api.ensureNamespace("history");
    String pods = "/api/v1/namespaces/history/pods";

    HttpResponse<String> created = api.post(pods, ApiHttp.pod("h1", "nginx:1.17"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String firstUid = ApiHttp.parse(created.body()).path("metadata").path("uid").asText();
    HttpResponse<String> labelled =
        api.mergePatch(pods + "/h1", "{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}");
    assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
    HttpResponse<String> deleted = api.delete(pods + "/h1");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    HttpResponse<String> recreated = api.post(pods, ApiHttp.pod("h1", "nginx:1.19"));
    assertThat(recreated.statusCode()).as(recreated.body()).isEqualTo(201);
    String secondUid = ApiHttp.parse(recreated.body()).path("metadata").path("uid").asText();
    assertThat(secondUid).isNotEqualTo(firstUid);

    JsonNode history = api.getJson("/apis/history.akkube.io/v1/namespaces/history/pods/h1");
    assertThat(history.path("kind").asText()).isEqualTo("ObjectHistory");
    List<JsonNode> changes = new ArrayList<>();
    history.path("changes").forEach(changes::add);
    assertThat(changes).as("%s", history).hasSizeGreaterThanOrEqualTo(4);

    Set<String> uids = new LinkedHashSet<>();
    changes.forEach(c -> uids.add(c.path("uid").asText()));
    assertThat(uids).as("%s", history).containsExactly(firstUid, secondUid);
    assertThat(changes.get(0).path("type").asText()).isEqualTo("Created");
    assertThat(changes.get(0).path("uid").asText()).isEqualTo(firstUid);
    assertThat(changes)
        .as("the label change of the first incarnation")
        .anySatisfy(
            c -> {
              assertThat(c.path("uid").asText()).isEqualTo(firstUid);
              assertThat(c.path("object").path("metadata").path("labels").path("tier").asText())
                  .isEqualTo("web");
            });
    assertThat(changes)
        .as("the deletion of the first incarnation")
        .anySatisfy(
            c -> {
              assertThat(c.path("uid").asText()).isEqualTo(firstUid);
              assertThat(c.path("type").asText()).isEqualTo("Deleted");
            });
    JsonNode last = changes.get(changes.size() - 1);
    assertThat(last.path("type").asText()).isEqualTo("Created");
    assertThat(last.path("uid").asText()).isEqualTo(secondUid);
    assertThat(last.path("object").path("spec").path("containers").get(0).path("image").asText())
        .isEqualTo("nginx:1.19");
    List<Long> sequence = changes.stream().map(c -> c.path("sequenceNr").asLong()).toList();
    assertThat(sequence).as("sequenceNr").isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aWebSocketWatchReceivesTheSameEventsAsAChunkedWatchFromTheSameResourceVersion()
      throws Exception {
    ApiHttp api = akkube.api();
    api.ensureNamespace("x");
    String pods = "/api/v1/namespaces/x/pods";
    String rv = api.getJson(pods).path("metadata").path("resourceVersion").asText();
    String watchPath = pods + "?watch=true&resourceVersion=" + rv;

    try (ApiHttp.ChunkedWatch chunked = api.watch(watchPath);
        WebSocketWatch ws = WebSocketWatch.open(akkube.process(), watchPath)) {
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        written.add(created(api.post(pods, ApiHttp.pod("ws" + i, "nginx:1.17"))));
      }
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r =
            api.mergePatch(
                pods + "/ws" + i, "{\"metadata\":{\"labels\":{\"step\":\"" + i + "\"}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        written.add(ApiHttp.resourceVersion(ApiHttp.parse(r.body())));
      }
      for (int i = 2; i < 5; i++) {
        HttpResponse<String> r = api.delete(pods + "/ws" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }

      Await.until(
          Duration.ofSeconds(30),
          "10 events on both watches",
          () -> chunked.events().size() >= 10 && ws.events().size() >= 10);
      List<String> viaChunks = summary(chunked.events());
      List<String> viaWebSocket = summary(ws.events());
      assertThat(viaWebSocket).isEqualTo(viaChunks);
      assertThat(viaChunks)
          .extracting(s -> s.split(" ")[0] + " " + s.split(" ")[1])
          .containsExactly(
              "ADDED ws0",
              "ADDED ws1",
              "ADDED ws2",
              "ADDED ws3",
              "ADDED ws4",
              "MODIFIED ws0",
              "MODIFIED ws1",
              "DELETED ws2",
              "DELETED ws3",
              "DELETED ws4");
      assertThat(viaChunks.subList(0, 7))
          .extracting(s -> Long.parseLong(s.split(" ")[2]))
          .containsExactlyElementsOf(written);
    }
  }

  private static long created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiHttp.resourceVersion(ApiHttp.parse(r.body()));
  }

  /** "TYPE name resourceVersion" per event. */
  private static List<String> summary(List<JsonNode> events) {
    return events.stream()
        .map(
            e ->
                e.path("type").asText()
                    + " "
                    + e.path("object").path("metadata").path("name").asText()
                    + " "
                    + e.path("object").path("metadata").path("resourceVersion").asText())
        .toList();
  }

  @Test
  void aFabric8InformerEndsWithTheServersListAndSeesEveryObjectsChangesInOrder() throws Exception {
    akkube.api().ensureNamespace("informer");
    InformerChurn churn = new InformerChurn(akkube.process(), "informer");
    InformerChurn.Outcome outcome = churn.run(8, 1000);

    Map<String, String> serverList = new TreeMap<>(outcome.serverList());
    assertThat(outcome.informerStore()).isEqualTo(serverList);
    assertThat(outcome.operationsDone()).isEqualTo(1000);
    // Every create, relabel and delete is one change: the informer saw each exactly once.
    assertThat(outcome.seenByName().values().stream().mapToInt(List::size).sum()).isEqualTo(1000);
    for (Map.Entry<String, List<InformerChurn.Seen>> e : outcome.seenByName().entrySet()) {
      List<Long> rvs = e.getValue().stream().map(InformerChurn.Seen::resourceVersion).toList();
      assertThat(rvs)
          .as("resourceVersions the informer saw for %s: %s", e.getKey(), e.getValue())
          .isSorted()
          .doesNotHaveDuplicates();
      InformerChurn.assertLifecycleOrder(e.getKey(), e.getValue());
    }
  }
}
