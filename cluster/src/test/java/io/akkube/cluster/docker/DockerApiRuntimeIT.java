package io.akkube.cluster.docker;

import static io.akkube.cluster.docker.EngineAkkube.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The docker-api runtime on Podman (runc, images built by scripts/test-engine.sh), with the real
 * kubectl: pods as container groups with addresses of their own, probes through published ports,
 * hooks, init containers and emptyDir, configMap env, OOMKilled, logs, exec, the image pull
 * policies and their reasons, replicas sharing a container port behind a NodePort, and an agent
 * killed with SIGKILL that adopts its containers and leaves none behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerApiRuntimeIT {

  private static final String NODE = "docker-it-node";

  /** The pod CIDR of a node at 127.0.0.1 (docs/decisions/0013). */
  private static final String POD_CIDR_PREFIX = "127.244.1.";

  private static EngineAkkube akkube;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        EngineAkkube.engineAnswers(),
        "no Podman service on " + EngineAkkube.SOCKET + " (scripts/test-engine.sh starts one)");
    akkube = EngineAkkube.start("docker-it", NODE, "127.98.0.0/16");
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
  void containersOfAPodTalkOverLocalhostAndItsPortsArePublishedOnItsAddressAndTheNode()
      throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: duo}
        spec:
          nodeName: %s
          containers:
          - name: web
            image: nginx:1.17
            ports: [{containerPort: 80, hostPort: 28080}]
            readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
          - name: client
            image: busybox:1.32.0
            command: [sh, -c, 'until wget -q -O - http://localhost:80/; do sleep 1; done; exec sleep 3600']
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(60),
        "duo ready",
        () -> akkube.row("duo").startsWith("duo 2/2 Running 0"));
    eventually(
        Duration.ofSeconds(20),
        "the client read the page over localhost",
        () -> akkube.kubectl("logs", "duo", "-c", "client").contains("Welcome to nginx!"));
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:28080/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("Welcome to nginx!");
    JsonNode status = akkube.pod("duo").path("status");
    String podIp = status.path("podIP").asText();
    assertThat(podIp).startsWith(POD_CIDR_PREFIX);
    assertThat(status.path("hostIP").asText()).isEqualTo("127.0.0.1");
    assertThat(get("http://" + podIp + ":80/")).contains("Welcome to nginx!");
    assertThat(
            akkube.kubectl("get", "node", NODE, "-o", "jsonpath={.spec.podCIDR} {.spec.podCIDRs}"))
        .isEqualTo("127.244.1.0/24 [\"127.244.1.0/24\"]");
    assertThat(status.path("containerStatuses").get(0).path("containerID").asText())
        .startsWith("docker://");
    assertThat(akkube.events("duo"))
        .contains("Container image \"nginx:1.17\" already present on machine");
    assertThat(akkube.containers()).anyMatch(n -> n.startsWith("k8s_POD_duo_default_"));
    String node =
        akkube.kubectl(
            "get", "node", NODE, "-o", "jsonpath={.status.nodeInfo.containerRuntimeVersion}");
    assertThat(node).startsWith("podman://");
  }

  @Test
  @Order(2)
  void initContainerHooksConfigMapEnvAndLogs() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {GREETING: hello from a configmap}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: staged}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 5
          volumes: [{name: work, emptyDir: {}}]
          initContainers:
          - name: fill
            image: busybox
            command: [sh, -c, 'echo hello from init > /scratch/greeting']
            volumeMounts: [{name: work, mountPath: /scratch}]
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'cat /data/greeting; echo "$GREETING"; exec sleep 3600']
            envFrom: [{configMapRef: {name: settings}}]
            volumeMounts: [{name: work, mountPath: /data}]
            lifecycle:
              postStart: {exec: {command: [sh, -c, 'echo started > /data/poststart']}}
              preStop: {exec: {command: [sh, -c, 'echo stopping > /data/prestop']}}
        """
            .formatted(NODE));
    eventually(
        Duration.ofSeconds(60),
        "staged running",
        () -> akkube.row("staged").startsWith("staged 1/1 Running 0"));
    eventually(
        Duration.ofSeconds(20),
        "logs",
        () -> {
          String logs = akkube.kubectl("logs", "staged");
          return logs.contains("hello from init") && logs.contains("hello from a configmap");
        });
    eventually(
        Duration.ofSeconds(20),
        "postStart ran",
        () -> akkube.kubectl("exec", "staged", "--", "cat", "/data/poststart").contains("started"));
    String out =
        akkube.kubectlWithInput("echo $((6 * 7))\nexit\n", "exec", "-i", "staged", "--", "sh");
    assertThat(out).contains("42");
    String tty =
        EngineAkkube.run(
            "script",
            "-qec",
            "env KUBECONFIG="
                + akkube.dir.resolve("data/kubeconfig")
                + " kubectl exec -it staged -- sh -c 'tty; echo done'",
            "/dev/null");
    assertThat(tty).contains("/dev/pts/").contains("done");
  }

  @Test
  @Order(3)
  void livenessFailuresRestartWithBackOffAndMemoryOverTheLimitIsOOMKilled() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: unhealthy}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 2
          containers:
          - name: c
            image: busybox
            command: [sh, -c, 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 600']
            livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: oom}
        spec:
          nodeName: %s
          restartPolicy: Never
          containers:
          - name: hog
            image: busybox
            command: [sh, -c, 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); sleep 100']
            resources: {limits: {memory: 64Mi}}
        """
            .formatted(NODE, NODE));
    eventually(
        Duration.ofSeconds(60), "OOMKilled", () -> akkube.row("oom").contains(" OOMKilled "));
    eventually(
        Duration.ofSeconds(90),
        "two restarts",
        () ->
            akkube
                    .pod("unhealthy")
                    .path("status")
                    .path("containerStatuses")
                    .get(0)
                    .path("restartCount")
                    .asInt()
                >= 2);
    assertThat(akkube.events("unhealthy"))
        .contains("failed liveness probe, will be restarted")
        .contains("Back-off restarting failed container");
  }

  @Test
  @Order(4)
  void imagePullPolicyReasons() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: never}
        spec:
          nodeName: %s
          containers: [{name: c, image: "absent:1.0", imagePullPolicy: Never}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: unpullable}
        spec:
          nodeName: %s
          containers: [{name: c, image: "127.0.0.1:5/absent:1.0"}]
        """
            .formatted(NODE, NODE));
    eventually(
        Duration.ofSeconds(30),
        "ErrImageNeverPull",
        () -> akkube.row("never").contains(" ErrImageNeverPull "));
    assertThat(akkube.events("never"))
        .contains("Container image \"absent:1.0\" is not present with pull policy of Never");
    eventually(
        Duration.ofSeconds(30),
        "ErrImagePull",
        () -> akkube.pod("unpullable").path("status").toString().contains("ErrImagePull"));
    eventually(
        Duration.ofSeconds(30),
        "ImagePullBackOff",
        () -> akkube.row("unpullable").contains(" ImagePullBackOff "));
    assertThat(akkube.events("unpullable"))
        .contains("Pulling image \"127.0.0.1:5/absent:1.0\"")
        .contains("Failed to pull image \"127.0.0.1:5/absent:1.0\"")
        .contains("Back-off pulling image \"127.0.0.1:5/absent:1.0\"");
  }

  @Test
  @Order(5)
  void anAgentKilledWithSigkillAdoptsItsContainersAndRemovesThoseOfDeletedPods() throws Exception {
    akkube.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: survivor}
        spec:
          nodeName: %s
          containers: [{name: c, image: busybox, command: [sleep, '3600']}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: doomed}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers: [{name: c, image: busybox, command: [sleep, '3600']}]
        """
            .formatted(NODE, NODE));
    eventually(
        Duration.ofSeconds(60),
        "running",
        () ->
            akkube.row("survivor").startsWith("survivor 1/1 Running 0")
                && akkube.row("doomed").startsWith("doomed 1/1 Running 0"));
    String id =
        akkube
            .pod("survivor")
            .path("status")
            .path("containerStatuses")
            .get(0)
            .path("containerID")
            .asText();
    String doomedUid = akkube.pod("doomed").path("metadata").path("uid").asText();
    String podIp = akkube.pod("survivor").path("status").path("podIP").asText();
    assertThat(podIp).startsWith(POD_CIDR_PREFIX);
    akkube.kill9();
    assertThat(akkube.containers()).anyMatch(n -> n.startsWith("k8s_c_survivor_"));
    akkube.start();
    // the restarted agent owns both pods again: a deletion removes every container
    akkube.kubectl("delete", "pod", "doomed", "--force", "--grace-period=0");
    eventually(
        Duration.ofSeconds(60),
        "doomed's containers removed",
        () -> akkube.containers().stream().noneMatch(n -> n.contains(doomedUid)));
    // An observation window, the behaviour under test: the adopted container must NOT be restarted.
    Thread.sleep(2000);
    JsonNode cs = akkube.pod("survivor").path("status").path("containerStatuses").get(0);
    assertThat(cs.path("containerID").asText()).isEqualTo(id);
    assertThat(cs.path("restartCount").asInt()).isZero();
    assertThat(akkube.row("survivor")).startsWith("survivor 1/1 Running 0");
    assertThat(akkube.pod("survivor").path("status").path("podIP").asText())
        .as("the adopted pod keeps its address")
        .isEqualTo(podIp);
  }

  @Test
  @Order(6)
  void threeReplicasOnOneNodeShareTheirContainerPortAndServeThroughTheNodePort() throws Exception {
    akkube.apply(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: nginx
                image: nginx:1.17
                ports: [{containerPort: 80}]
                env:
                - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                readinessProbe: {httpGet: {path: /whoami.html, port: 80}, periodSeconds: 1}
                lifecycle:
                  postStart: {exec: {command: [sh, -c, 'echo -n "$POD_NAME $POD_IP" > /www/whoami.html']}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 80, targetPort: 80}]
        """);
    eventually(
        Duration.ofSeconds(120),
        "three web pods ready",
        () -> akkube.readyPodIps("app=web").size() == 3);
    Map<String, String> ips = akkube.readyPodIps("app=web");
    assertThat(new HashSet<>(ips.values()))
        .hasSize(3)
        .allMatch(ip -> ip.startsWith(POD_CIDR_PREFIX));
    eventually(
        Duration.ofSeconds(30),
        "the Endpoints list the three pod addresses",
        () ->
            akkube
                    .kubectl(
                        "get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}")
                    .trim()
                    .split("\\s+")
                    .length
                == 3);
    assertThat(
            Set.of(
                akkube
                    .kubectl(
                        "get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}")
                    .trim()
                    .split("\\s+")))
        .isEqualTo(new HashSet<>(ips.values()));
    String nodePort =
        akkube.kubectl("get", "service", "web", "-o", "jsonpath={.spec.ports[0].nodePort}").trim();
    String base = "http://127.0.0.1:" + nodePort;
    eventually(
        Duration.ofSeconds(30),
        "the page through the node port",
        () -> get(base + "/").contains("Welcome to nginx!"));
    // round robin over three endpoints: each pod answers within a few requests; every answer
    // names a pod and the address its downward API gave it, which is its status.podIP
    Map<String, String> answered = new HashMap<>();
    for (int i = 0; i < 30 && answered.size() < 3; i++) {
      String[] who = get(base + "/whoami.html").split(" ");
      assertThat(who).as("pod name and pod IP").hasSize(2);
      answered.put(who[0], who[1]);
    }
    assertThat(answered).isEqualTo(ips);
  }

  /** The body of a GET, or what went wrong. */
  private static String get(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }
}
