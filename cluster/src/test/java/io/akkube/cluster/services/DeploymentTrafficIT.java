package io.akkube.cluster.services;

import static io.akkube.cluster.docker.EngineAkkube.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.akkube.cluster.docker.EngineAkkube;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A Deployment's traffic through its ClusterIP on a real akkube with the docker-api runtime: three
 * replicas of a tiny HTTP server (busybox httpd answering its pod name) listen on the same
 * container port on one node, each on its own pod address, behind a ClusterIP service in
 * 127.97.0.0/16 served by the node's proxy. Requests reach all three; a pod whose readiness probe
 * fails leaves the rotation without a failed request; scaled to one, every request reaches the
 * survivor. Every address is on loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentTrafficIT {

  private static final String NODE = "traffic-node";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EngineAkkube akkube;
  private static String clusterIp;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        EngineAkkube.engineAnswers(),
        "no Podman service on " + EngineAkkube.SOCKET + " (scripts/test-engine.sh starts one)");
    akkube = EngineAkkube.start("traffic", NODE, "127.97.0.0/16");
    akkube.apply(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: who}
        spec:
          replicas: 3
          selector: {matchLabels: {app: who}}
          template:
            metadata: {labels: {app: who}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: httpd
                image: busybox:latest
                command: [sh, -c, 'mkdir -p /www && echo -n "$POD_NAME" > /www/index.html && touch /www/ready && exec httpd -f -p 8080 -h /www']
                env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                ports: [{containerPort: 8080}]
                readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: who}
        spec:
          selector: {app: who}
          ports: [{port: 80, targetPort: 8080}]
        """);
    clusterIp = akkube.kubectl("get", "service", "who", "-o", "jsonpath={.spec.clusterIP}").trim();
    assertThat(clusterIp).startsWith("127.97.");
    try {
      eventually(
          Duration.ofSeconds(180),
          "three ready pods in the Endpoints",
          () ->
              akkube.readyPodIps("app=who").size() == 3
                  && endpointIps().equals(new HashSet<>(akkube.readyPodIps("app=who").values())));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "\n"
              + akkube.kubectl("get", "pods,endpoints", "-o", "wide")
              + "\n"
              + akkube.kubectl("get", "events", "--sort-by=.lastTimestamp"),
          e);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (akkube != null) {
      akkube.close();
      assertThat(akkube.containers()).as("containers left behind").isEmpty();
    }
  }

  @Test
  @Order(1)
  void threeHundredRequestsToTheClusterIpReachAllThreePods() throws Exception {
    Map<String, String> pods = akkube.readyPodIps("app=who");
    assertThat(new HashSet<>(pods.values())).as("one address per pod").hasSize(3);
    eventually(
        Duration.ofSeconds(30),
        "the proxy serving the ClusterIP",
        () -> pods.containsKey(get(clusterIp, 80)));
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      hits.merge(get(clusterIp, 80), 1, Integer::sum);
    }
    assertThat(hits).containsOnlyKeys(pods.keySet());
  }

  /**
   * The unready pod keeps running and serving: connections the proxy gave it before it left the
   * rotation complete normally, so no request may fail, those in flight at the switch included. The
   * proxy learns of the change from its watch of the Endpoints, a moment after they change:
   * requests that still reach the pod then are counted, not failed; once 20 requests in a row have
   * gone elsewhere, none of the next 200 may reach it.
   */
  @Test
  @Order(2)
  void aPodTurningUnreadyLeavesTheRotationWithoutFailedRequests() throws Exception {
    Map<String, String> pods = akkube.readyPodIps("app=who");
    String leaving = pods.keySet().stream().sorted().findFirst().orElseThrow();
    Traffic traffic = new Traffic();
    Thread client = new Thread(traffic, "traffic-to-" + clusterIp);
    client.start();
    try {
      eventually(
          Duration.ofSeconds(30), "the pod in rotation", () -> traffic.count(leaving, 0) > 0);
      String out = akkube.kubectl("exec", leaving, "--", "rm", "/www/ready");
      assertThat(out).as("kubectl exec").isBlank();
      eventually(
          Duration.ofSeconds(60),
          leaving + " out of the Endpoints' ready addresses",
          () -> !endpointIps().contains(pods.get(leaving)) && endpointIps().size() == 2);
      int removedAt = traffic.size();
      eventually(
          Duration.ofSeconds(30),
          "20 requests in a row not reaching " + leaving,
          () -> traffic.lastAllOthers(leaving, 20));
      int settledAt = traffic.size();
      eventually(
          Duration.ofSeconds(60),
          "200 requests after that",
          () -> traffic.size() >= settledAt + 200);
      traffic.stop();
      client.join(10_000);
      List<String> answers = traffic.answers();
      System.out.printf(
          "unready switch: %d requests; Endpoints changed at #%d, the proxy settled at #%d;"
              + " %d reached %s in between%n",
          answers.size(), removedAt, settledAt, traffic.count(leaving, removedAt), leaving);
      assertThat(answers.stream().filter(a -> !pods.containsKey(a)).toList())
          .as("failed requests of %d", answers.size())
          .isEmpty();
      assertThat(answers.subList(settledAt, answers.size()))
          .as(
              "requests after the proxy settled (%d reached %s between the Endpoints change and"
                  + " then)",
              traffic.count(leaving, removedAt), leaving)
          .doesNotContain(leaving)
          .containsAll(pods.keySet().stream().filter(p -> !p.equals(leaving)).toList());
    } finally {
      traffic.stop();
      client.join(10_000);
    }
    JsonNode pod = JSON.readTree(akkube.kubectl("get", "pod", leaving, "-o", "json"));
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(pod.path("status").path("containerStatuses").get(0).path("ready").asBoolean())
        .isFalse();
  }

  @Test
  @Order(3)
  void scaledToOneEveryRequestReachesTheSurvivor() throws Exception {
    String out = akkube.kubectl("scale", "deployment", "who", "--replicas=1");
    assertThat(out).contains("scaled");
    eventually(
        Duration.ofSeconds(90),
        "one pod left, the only one in the Endpoints",
        () -> {
          List<String> names =
              List.of(
                  akkube
                      .kubectl(
                          "get",
                          "pods",
                          "-l",
                          "app=who",
                          "-o",
                          "jsonpath={.items[*].metadata.name}")
                      .trim()
                      .split("\\s+"));
          Map<String, String> ready = akkube.readyPodIps("app=who");
          return names.size() == 1
              && ready.size() == 1
              && endpointIps().equals(Set.copyOf(ready.values()));
        });
    String survivor = akkube.readyPodIps("app=who").keySet().iterator().next();
    eventually(
        Duration.ofSeconds(30),
        "20 requests in a row reaching " + survivor,
        () -> {
          for (int i = 0; i < 20; i++) {
            if (!get(clusterIp, 80).equals(survivor)) {
              return false;
            }
          }
          return true;
        });
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      hits.merge(get(clusterIp, 80), 1, Integer::sum);
    }
    assertThat(hits).containsOnlyKeys(survivor);
  }

  // ---- helpers ----

  /** Requests one after another to the ClusterIP until stopped, every answer kept in order. */
  private static final class Traffic implements Runnable {
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public void run() {
      while (!stopped.get()) {
        answers.add(get(clusterIp, 80));
      }
    }

    void stop() {
      stopped.set(true);
    }

    int size() {
      return answers.size();
    }

    List<String> answers() {
      synchronized (answers) {
        return List.copyOf(answers);
      }
    }

    /** Answers from {@code pod} from index {@code from} on. */
    int count(String pod, int from) {
      List<String> all = answers();
      return (int)
          all.subList(Math.min(from, all.size()), all.size()).stream().filter(pod::equals).count();
    }

    /** Whether the last {@code n} answers came from pods other than {@code pod}, none failed. */
    boolean lastAllOthers(String pod, int n) {
      List<String> all = answers();
      if (all.size() < n) {
        return false;
      }
      return all.subList(all.size() - n, all.size()).stream()
          .noneMatch(a -> a.equals(pod) || a.contains(" "));
    }
  }

  /** The ready addresses of the service's Endpoints. */
  private static Set<String> endpointIps() throws Exception {
    String out =
        akkube
            .kubectl("get", "endpoints", "who", "-o", "jsonpath={.subsets[*].addresses[*].ip}")
            .trim();
    return out.isEmpty() ? Set.of() : Set.of(out.split("\\s+"));
  }

  /** GET / over one HTTP/1.0 connection: the body, or a description of what failed. */
  private static String get(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: who\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int body = response.indexOf("\r\n\r\n");
      String statusLine = response.lines().findFirst().orElse("(empty)");
      if (!statusLine.matches("HTTP/1\\.[01] 200\\b.*")) {
        return "no 200 response: " + statusLine;
      }
      return body < 0 ? "no body: " + response : response.substring(body + 4);
    } catch (IOException e) {
      return "failed: " + e;
    }
  }
}
