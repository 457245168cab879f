package io.akkube.cluster.services;

import static io.akkube.cluster.services.ServicesAkkube.JSON;
import static io.akkube.cluster.services.ServicesAkkube.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Services end to end (issue 6, items 1, 2 and 5) with the real kubectl against {@code akkube up
 * --service-cidr 127.97.0.0/16}: allocation and its errors, endpoints from pods the node agent
 * runs, and the service environment of those pods.
 */
class ServicesIT {

  private static ServicesAkkube akkube;

  @BeforeAll
  static void start() throws Exception {
    akkube = ServicesAkkube.start("services");
  }

  @AfterAll
  static void stop() throws Exception {
    if (akkube != null) {
      akkube.close();
    }
  }

  private static String service(String name, String spec) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
  }

  @Test
  void theKubernetesServiceHoldsTheFirstAddressAndPointsAtTheApi() throws Exception {
    JsonNode svc = akkube.get("svc", "kubernetes");
    assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("127.97.0.1");

    JsonNode ep = akkube.get("endpoints", "kubernetes");
    JsonNode subset = ep.path("subsets").get(0);
    assertThat(subset.path("addresses").get(0).path("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(subset.path("ports").get(0).path("port").asInt()).isEqualTo(akkube.port);
  }

  @Test
  void aClashingExplicitClusterIpIsRefusedWithKubernetesWording() throws Exception {
    String ports = "  ports:\n  - port: 80\n";
    assertThat(akkube.create(service("first-ip", "  clusterIP: 127.97.0.10\n" + ports)))
        .isEqualTo("service/first-ip created");

    assertThat(akkube.create(service("second-ip", "  clusterIP: 127.97.0.10\n" + ports)))
        .isEqualTo(
            "The Service \"second-ip\" is invalid: spec.clusterIPs: Invalid value:"
                + " []string{\"127.97.0.10\"}: failed to allocate IP 127.97.0.10: provided IP is"
                + " already allocated");
    assertThat(akkube.create(service("outside", "  clusterIP: 10.0.0.1\n" + ports)))
        .isEqualTo(
            "The Service \"outside\" is invalid: spec.clusterIPs: Invalid value:"
                + " []string{\"10.0.0.1\"}: failed to allocate IP 10.0.0.1: the provided IP"
                + " (10.0.0.1) is not in the valid range. The range of valid IPs is 127.97.0.0/16");
  }

  @Test
  void aClashingExplicitNodePortIsRefusedWithKubernetesWording() throws Exception {
    String spec = "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n";
    assertThat(akkube.create(service("first-port", spec))).isEqualTo("service/first-port created");

    assertThat(akkube.create(service("second-port", spec)))
        .isEqualTo(
            "The Service \"second-port\" is invalid: spec.ports[0].nodePort: Invalid value: 30080:"
                + " provided port is already allocated");
    assertThat(
            akkube.create(
                service(
                    "low-port", "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 8080\n")))
        .isEqualTo(
            "The Service \"low-port\" is invalid: spec.ports[0].nodePort: Invalid value: 8080:"
                + " provided port is not in the valid range. The range of valid ports is"
                + " 30000-32767");
  }

  @Test
  void typeChangesAllocateAndFreeNodePorts() throws Exception {
    akkube.create(service("changing", "  type: ClusterIP\n  ports:\n  - port: 80\n"));
    String ip = akkube.get("svc", "changing").path("spec").path("clusterIP").asText();

    akkube.kubectl("patch", "svc", "changing", "-p", "{\"spec\":{\"type\":\"NodePort\"}}");
    JsonNode nodePort = akkube.get("svc", "changing").path("spec");
    int port = nodePort.path("ports").get(0).path("nodePort").asInt();
    assertThat(port).isBetween(30000, 32767);
    assertThat(nodePort.path("clusterIP").asText()).isEqualTo(ip);

    akkube.kubectl("patch", "svc", "changing", "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}");
    assertThat(akkube.get("svc", "changing").path("spec").path("ports").get(0).has("nodePort"))
        .isFalse();
    assertThat(
            akkube.create(
                service(
                    "takes-freed-port",
                    "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: " + port + "\n")))
        .isEqualTo("service/takes-freed-port created");
  }

  @Test
  void headlessExternalNameAndLoadBalancerServicesShowAsInKubernetes() throws Exception {
    akkube.create(
        service(
            "headless", "  clusterIP: None\n  selector:\n    app: db\n  ports:\n  - port: 5432\n"));
    akkube.create(service("external", "  type: ExternalName\n  externalName: example.org\n"));
    akkube.create(service("balanced", "  type: LoadBalancer\n  ports:\n  - port: 80\n"));

    String table = akkube.kubectl("get", "svc", "headless", "external", "balanced");

    assertThat(table.lines().findFirst().orElse(""))
        .matches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE");
    assertThat(table).containsPattern("headless\\s+ClusterIP\\s+None\\s+<none>\\s+5432/TCP");
    assertThat(table)
        .containsPattern("external\\s+ExternalName\\s+<none>\\s+example.org\\s+<none>");
    assertThat(table)
        .containsPattern(
            "balanced\\s+LoadBalancer\\s+127\\.97\\.\\d+\\.\\d+\\s+<pending>\\s+80:3\\d{4}/TCP");

    akkube.create(
        service(
            "local-lb",
            "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n"));
    assertThat(akkube.get("svc", "local-lb").path("spec").path("healthCheckNodePort").asInt())
        .isBetween(30000, 32767);
  }

  @Test
  void exposingADeploymentMakesANodePortServiceWithItsSelector() throws Exception {
    akkube.kubectl("create", "deployment", "exposed", "--image=example/exposed", "--replicas=0");

    String out =
        akkube.kubectl(
            "expose",
            "deployment",
            "exposed",
            "--type",
            "NodePort",
            "--port",
            "80",
            "--target-port",
            "8080");
    assertThat(out.trim()).isEqualTo("service/exposed exposed");

    assertThat(akkube.kubectl("get", "svc", "exposed"))
        .containsPattern(
            "exposed\\s+NodePort\\s+127\\.97\\.\\d+\\.\\d+\\s+<none>\\s+80:3\\d{4}/TCP");
    assertThat(akkube.kubectl("get", "svc", "exposed", "-o", "wide").lines().findFirst().orElse(""))
        .endsWith("SELECTOR");
    assertThat(akkube.kubectl("get", "svc", "exposed", "-o", "wide")).contains("app=exposed");
    assertThat(
            akkube
                .get("svc", "exposed")
                .path("spec")
                .path("ports")
                .get(0)
                .path("targetPort")
                .asInt())
        .isEqualTo(8080);
  }

  @Test
  void aSelectorlessServiceKeepsItsHandWrittenEndpoints() throws Exception {
    akkube.create(service("manual", "  ports:\n  - port: 80\n"));
    akkube.apply(
        "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: manual\nsubsets:\n"
            + "- addresses:\n  - ip: 127.0.0.42\n  ports:\n  - port: 8042\n");
    // A service with a selector in the same namespace proves the controller is at work meanwhile.
    akkube.create(service("witness", "  selector:\n    app: nothing\n  ports:\n  - port: 80\n"));
    await(
        Duration.ofSeconds(60),
        "witness endpoints",
        () -> akkube.kubectl("get", "ep", "witness").contains("witness"));

    JsonNode ep = akkube.get("endpoints", "manual");
    assertThat(ep.path("subsets").get(0).path("addresses").get(0).path("ip").asText())
        .isEqualTo("127.0.0.42");
    assertThat(ep.path("subsets").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(8042);
  }

  @Test
  void aPodJoinsEndpointsWhenReadyLeavesWhenUnreadyOrTerminatingAndSeesServiceEnv()
      throws Exception {
    Path unready = Files.createDirectories(akkube.dir.resolve("probe")).resolve("unready");
    akkube.create(
        service(
            "web",
            "  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n"));
    String clusterIp = akkube.get("svc", "web").path("spec").path("clusterIP").asText();
    akkube.apply(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  labels:\n    app: web\nspec:\n"
            + "  nodeName: svc-node\n  terminationGracePeriodSeconds: 30\n  containers:\n"
            + "  - name: web\n    image: busybox\n    command: [\"sh\", \"-c\", \"env; exec sleep 3600\"]\n"
            + "    ports:\n    - name: http\n      containerPort: 8080\n"
            + "    volumeMounts:\n    - name: probe\n      mountPath: /probe\n"
            + "    readinessProbe:\n      periodSeconds: 1\n      exec:\n"
            // the flag file reaches the pod through a volume: the pod has its own /tmp, and
            // the test's directory may be under the host's /tmp
            + "        command: [\"sh\", \"-c\", \"test ! -e /probe/unready\"]\n"
            + "  volumes:\n  - name: probe\n    hostPath:\n      path: "
            + unready.getParent()
            + "\n");

    await(
        Duration.ofSeconds(90),
        "web-1 in addresses",
        () -> addresses("web", "addresses").size() == 1);
    JsonNode address = akkube.get("endpoints", "web").path("subsets").get(0);
    assertThat(address.path("addresses").get(0).path("targetRef").path("name").asText())
        .isEqualTo("web-1");
    assertThat(address.path("addresses").get(0).path("nodeName").asText()).isEqualTo("svc-node");
    assertThat(address.path("ports").get(0).path("port").asInt()).isEqualTo(8080);
    assertThat(akkube.kubectl("get", "ep", "web")).containsPattern("web\\s+\\S+:8080");
    assertThat(sliceConditions("web"))
        .isEqualTo("{\"ready\":true,\"serving\":true,\"terminating\":false}");

    String log = akkube.kubectl("logs", "web-1");
    assertThat(log).contains("WEB_SERVICE_HOST=" + clusterIp);
    assertThat(log).contains("WEB_SERVICE_PORT_HTTP=80");
    assertThat(log).contains("KUBERNETES_SERVICE_HOST=127.97.0.1");

    Files.writeString(unready, "");
    await(
        Duration.ofSeconds(60),
        "web-1 not ready",
        () -> addresses("web", "notReadyAddresses").size() == 1);
    assertThat(addresses("web", "addresses")).isEmpty();

    Files.delete(unready);
    await(
        Duration.ofSeconds(60),
        "web-1 ready again",
        () -> addresses("web", "addresses").size() == 1);
    akkube.kubectl("delete", "pod", "web-1", "--wait=false");
    await(
        Duration.ofSeconds(30),
        "web-1 gone from endpoints",
        () -> !akkube.get("endpoints", "web").has("subsets"));
  }

  private static List<String> addresses(String service, String field) throws Exception {
    List<String> ips = new ArrayList<>();
    for (JsonNode subset : akkube.get("endpoints", service).path("subsets")) {
      subset.path(field).forEach(a -> ips.add(a.path("ip").asText()));
    }
    return ips;
  }

  private static String sliceConditions(String service) throws Exception {
    JsonNode slices = akkube.get("endpointslices", "-l", "kubernetes.io/service-name=" + service);
    return slices.path("items").get(0).path("endpoints").get(0).path("conditions").toString();
  }

  @Test
  void allocatingAndFreeingAThousandTimesLeavesEveryAddressAndPortFree() throws Exception {
    int count = 1000;
    List<String> ips = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<JsonNode>> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String body = serviceJson("churn-" + i, null, 0);
        created.add(pool.submit(() -> createOk(body)));
      }
      for (Future<JsonNode> f : created) {
        JsonNode spec = f.get().path("spec");
        ips.add(spec.path("clusterIP").asText());
        ports.add(spec.path("ports").get(0).path("nodePort").asInt());
      }
      assertThat(ips).doesNotHaveDuplicates();
      assertThat(ports).doesNotHaveDuplicates();
      deleteAll(pool, count);

      // Nothing leaked: every address and port handed out can be asked for explicitly again.
      List<Future<JsonNode>> again = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String body = serviceJson("churn-" + i, ips.get(i), ports.get(i));
        again.add(pool.submit(() -> createOk(body)));
      }
      for (Future<JsonNode> f : again) {
        f.get();
      }
      deleteAll(pool, count);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String serviceJson(String name, String clusterIp, int nodePort) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"type\":\"NodePort\","
        + (clusterIp == null ? "" : "\"clusterIP\":\"" + clusterIp + "\",")
        + "\"ports\":[{\"port\":80"
        + (nodePort == 0 ? "" : ",\"nodePort\":" + nodePort)
        + "}]}}";
  }

  private static JsonNode createOk(String body) throws Exception {
    HttpResponse<String> r = akkube.call("POST", "/api/v1/namespaces/default/services", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body());
  }

  private static void deleteAll(ExecutorService pool, int count) throws Exception {
    List<Future<Integer>> deleted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String path = "/api/v1/namespaces/default/services/churn-" + i;
      deleted.add(pool.submit(() -> akkube.call("DELETE", path, null).statusCode()));
    }
    for (Future<Integer> f : deleted) {
      assertThat(f.get()).isEqualTo(200);
    }
  }
}
