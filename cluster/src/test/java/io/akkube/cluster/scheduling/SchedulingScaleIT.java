package io.akkube.cluster.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * 2 000 pods of random sizes on 200 hollow nodes (2 cpu, 4Gi, 110 pods each): every pod is bound,
 * exactly once, and no node holds more than it can (sum of requests ≤ allocatable).
 */
class SchedulingScaleIT {

  private static final int NODES = 200;
  private static final int PODS = 2000;
  private static final long NODE_MILLI_CPU = 2000;
  private static final long NODE_MEMORY = 4L << 30;
  private static final int NODE_PODS = 110;

  @Test
  void twoThousandPodsOnTwoHundredNodesAreEachBoundOnceWithoutOverCommit() throws Exception {
    try (HollowCluster cluster =
        HollowCluster.start(
            "scale",
            NODES + 1,
            "--hollow-nodes",
            Integer.toString(NODES),
            "--hollow-node-cpu",
            "2",
            "--hollow-node-memory",
            "4Gi",
            "--hollow-node-pods",
            Integer.toString(NODE_PODS))) {
      boolean passed = false;
      try {
        run(cluster);
        passed = true;
      } finally {
        if (!passed) {
          cluster.keep();
        }
      }
    }
  }

  private void run(HollowCluster cluster) throws Exception {
    cluster.ok(
        "taint", "nodes", "sched-local", "node-role.kubernetes.io/control-plane=:NoSchedule");
    cluster.ok("create", "namespace", "scale");
    Random random = new Random(42);
    Map<String, long[]> requests = new HashMap<>();
    List<CompletableFuture<HttpResponse<String>>> creations = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < PODS; i++) {
        String name = "p" + i;
        long milliCpu = 50 + random.nextInt(201);
        long mebibytes = 100 + random.nextInt(401);
        requests.put(name, new long[] {milliCpu, mebibytes << 20});
        String body =
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                + name
                + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"pause\","
                + "\"resources\":{\"requests\":{\"cpu\":\""
                + milliCpu
                + "m\",\"memory\":\""
                + mebibytes
                + "Mi\"}}}]}}";
        creations.add(
            CompletableFuture.supplyAsync(
                () -> cluster.api("POST", "/api/v1/namespaces/scale/pods", body), pool));
      }
      for (CompletableFuture<HttpResponse<String>> c : creations) {
        assertThat(c.get().statusCode()).as(c.get().body()).isEqualTo(201);
      }
    } finally {
      pool.shutdown();
    }

    HollowCluster.await(
        Duration.ofSeconds(240),
        "all " + PODS + " pods bound",
        () -> pods(cluster).stream().filter(p -> !nodeName(p).isEmpty()).count() == PODS);

    List<JsonNode> pods = pods(cluster);
    assertThat(pods).hasSize(PODS);
    Map<String, long[]> perNode = new HashMap<>();
    for (JsonNode p : pods) {
      long[] r = requests.get(p.path("metadata").path("name").asText());
      long[] sum = perNode.computeIfAbsent(nodeName(p), k -> new long[3]);
      sum[0] += r[0];
      sum[1] += r[1];
      sum[2]++;
    }
    assertThat(perNode.keySet()).allMatch(n -> n.startsWith("hollow-node-"));
    perNode.forEach(
        (node, sum) -> {
          assertThat(sum[0]).as("cpu requested on " + node).isLessThanOrEqualTo(NODE_MILLI_CPU);
          assertThat(sum[1]).as("memory requested on " + node).isLessThanOrEqualTo(NODE_MEMORY);
          assertThat(sum[2]).as("pods on " + node).isLessThanOrEqualTo(NODE_PODS);
        });

    // Bound exactly once: one Scheduled event per pod, never repeated (count 1).
    HollowCluster.await(
        Duration.ofSeconds(60),
        "a Scheduled event for every pod",
        () -> scheduledEvents(cluster).size() == PODS);
    Map<String, JsonNode> scheduled = scheduledEvents(cluster);
    for (JsonNode p : pods) {
      String name = p.path("metadata").path("name").asText();
      JsonNode event = scheduled.get(name);
      assertThat(event).as("Scheduled event of " + name).isNotNull();
      assertThat(event.path("count").asInt()).as("Scheduled count of " + name).isEqualTo(1);
      assertThat(event.path("message").asText())
          .isEqualTo("Successfully assigned scale/" + name + " to " + nodeName(p));
    }
  }

  private static List<JsonNode> pods(HollowCluster cluster) {
    List<JsonNode> out = new ArrayList<>();
    json(cluster.api("GET", "/api/v1/namespaces/scale/pods", null)).path("items").forEach(out::add);
    return out;
  }

  /** The Scheduled events by pod name; a second event for one pod fails the test. */
  private static Map<String, JsonNode> scheduledEvents(HollowCluster cluster) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode e :
        json(cluster.api("GET", "/api/v1/namespaces/scale/events", null)).path("items")) {
      if (e.path("reason").asText().equals("Scheduled")) {
        JsonNode previous = out.put(e.path("involvedObject").path("name").asText(), e);
        assertThat(previous).as("a second Scheduled event: " + e).isNull();
      }
    }
    return out;
  }

  private static String nodeName(JsonNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return HollowCluster.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
