package io.akkube.cluster.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Services carrying traffic on a real akkube ({@code akkube up}, process runtime, as root): three
 * pods running a tiny HTTP server that answers its pod name, a selector-less NodePort service with
 * a ClusterIP in 127.97.0.0/16 and hand-written Endpoints listing them, reached through the node's
 * proxy and named by the cluster DNS. Two hollow nodes with their own addresses run beside the real
 * one, so the NodePort is checked on all three node addresses. Every address is on loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceTrafficIT {

  private static final String NODE = "px-node";

  /** python3's http.server answering every GET with argv[1] (HTTP/1.0: one request each). */
  private static final String SERVER =
      "import http.server,sys\n"
          + "n,p=sys.argv[1].encode(),int(sys.argv[2])\n"
          + "class H(http.server.BaseHTTPRequestHandler):\n"
          + "  def do_GET(s):\n"
          + "    s.send_response(200);s.send_header('Content-Length',str(len(n)));s.end_headers()\n"
          + "    s.wfile.write(n)\n"
          + "  def log_message(s,*a): pass\n"
          + "http.server.ThreadingHTTPServer(('127.0.0.1',p),H).serve_forever()\n";

  private static Path dir;
  private static Process server;
  private static String clusterIp;
  private static int nodePort;
  private static String dnsAddress;
  private static String firstHollowAddress;
  private static final Map<String, Integer> podPorts = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    clusterIp = "127.97." + random.nextInt(1, 255) + "." + random.nextInt(1, 255);
    dnsAddress = "127.0.53." + random.nextInt(2, 255);
    firstHollowAddress = "127.0.54." + random.nextInt(2, 254);
    nodePort = random.nextInt(30000, 32768);
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    // Not under /tmp: pods get a private /tmp that would hide the node's state directory.
    dir = Files.createTempDirectory(build, "proxy-");
    int apiPort = freePort();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-cp",
            build.resolve("akkube-cluster.jar") + ":" + build.resolve("lib") + "/*",
            "io.akkube.cluster.Main",
            "up",
            "--data-dir",
            dir.resolve("data").toString(),
            "--bind",
            "127.0.0.1",
            "--api-port",
            Integer.toString(apiPort),
            "--node-name",
            NODE,
            "--service-cidr",
            "127.97.0.0/16",
            "--hollow-nodes",
            "2",
            "--hollow-node-first-address",
            firstHollowAddress);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    pb.environment().put("AKKUBE_DNS_ADDRESS", dnsAddress);
    pb.environment().put("AKKUBE_DNS_FORWARD", "false");
    server = pb.start();
    await(
        Duration.ofSeconds(120),
        "akkube ready",
        () -> read(dir.resolve("stdout.log")).contains("akkube is ready") || !server.isAlive());
    assertThat(server.isAlive()).as(read(dir.resolve("stderr.log"))).isTrue();

    StringBuilder pods = new StringBuilder();
    for (String name : List.of("web-a", "web-b", "web-c")) {
      int port = freePort();
      podPorts.put(name, port);
      pods.append(
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: %s, labels: {app: web}}
          spec:
            nodeName: %s
            containers:
            - name: http
              image: python
              command: [/usr/bin/python3, -c, %s, %s, "%d"]
          ---
          """
              .formatted(name, NODE, yamlString(SERVER), name, port));
    }
    apply(pods.toString());
    apply(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          clusterIP: %s
          ports:
          - {name: http, port: 80, targetPort: 8080, nodePort: %d}
        """
            .formatted(clusterIp, nodePort));
    apply(endpoints(List.of("web-a", "web-b", "web-c")));
    for (String name : podPorts.keySet()) {
      await(
          Duration.ofSeconds(60),
          name + " serving",
          () -> get("127.0.0.1", podPorts.get(name)).equals(name));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null && server.isAlive()) {
      kubectl("delete", "pods", "--all", "--force", "--grace-period=0");
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  @Order(1)
  void requestsToTheClusterIpReachAllThreePods() throws Exception {
    await(Duration.ofSeconds(30), "the proxy serving", () -> get(clusterIp, 80).startsWith("web-"));
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      hits.merge(get(clusterIp, 80), 1, Integer::sum);
    }
    assertThat(hits).containsOnlyKeys("web-a", "web-b", "web-c");
  }

  @Test
  @Order(2)
  void theNodePortAnswersOnEveryNodeAddressTheRealOneAndTwoHollowOnes() throws Exception {
    String addresses =
        kubectl(
            "get",
            "nodes",
            "-o",
            "jsonpath={range .items[*]}{.status.addresses[?(@.type==\"InternalIP\")].address}"
                + " {end}");
    List<String> nodeAddresses = List.of(addresses.trim().split(" +"));
    String secondHollowAddress =
        firstHollowAddress.substring(0, firstHollowAddress.lastIndexOf('.') + 1)
            + (Integer.parseInt(
                    firstHollowAddress.substring(firstHollowAddress.lastIndexOf('.') + 1))
                + 1);
    assertThat(nodeAddresses)
        .containsExactlyInAnyOrder("127.0.0.1", firstHollowAddress, secondHollowAddress);
    for (String address : nodeAddresses) {
      await(
          Duration.ofSeconds(30),
          "the node port on " + address,
          () -> get(address, nodePort).startsWith("web-"));
      Map<String, Integer> hits = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        hits.merge(get(address, nodePort), 1, Integer::sum);
      }
      assertThat(hits).as("answers on " + address).containsOnlyKeys("web-a", "web-b", "web-c");
    }
  }

  @Test
  @Order(3)
  void theServiceNameResolvesToTheClusterIpThroughTheClusterDns() throws Exception {
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dnsAddress, 53));
    await(
        Duration.ofSeconds(30),
        "web.default.svc.cluster.local A " + clusterIp,
        () -> {
          try {
            Message answer =
                resolver.send(
                    Message.newQuery(
                        Record.newRecord(
                            Name.fromString("web.default.svc.cluster.local."), Type.A, DClass.IN)));
            return answer.getSection(Section.ANSWER).stream()
                .anyMatch(r -> r.rdataToString().equals(clusterIp));
          } catch (IOException e) {
            return false;
          }
        });
  }

  @Test
  @Order(4)
  void fromInsideAPodWgetReachesTheServiceByNameAndShortName() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/wget")), "wget on the host");
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          nodeName: %s
          restartPolicy: Never
          containers:
          - name: wget
            image: busybox
            command: [/bin/sh, -c, "cat /etc/resolv.conf; wget -qO- -T 5 http://web.default.svc.cluster.local:80 && echo && wget -qO- -T 5 http://web && echo && echo done"]
        """
            .formatted(NODE));
    await(
        Duration.ofSeconds(60),
        "client pod finished",
        () -> {
          try {
            String phase = kubectl("get", "pod", "client", "-o", "jsonpath={.status.phase}");
            return phase.equals("Succeeded") || phase.equals("Failed");
          } catch (Exception e) {
            return false;
          }
        });
    String log = kubectl("logs", "client");
    assertThat(log)
        .as(log)
        .contains("nameserver " + dnsAddress)
        .contains("search default.svc.cluster.local svc.cluster.local cluster.local")
        .contains("done");
    assertThat(log.lines().filter(l -> l.startsWith("web-")).count()).as(log).isEqualTo(2);
  }

  @Test
  @Order(5)
  void changingTheEndpointsToOnePodSendsEverythingToTheSurvivor() throws Exception {
    apply(endpoints(List.of("web-b")));
    await(
        Duration.ofSeconds(30),
        "only web-b answering",
        () -> {
          for (int i = 0; i < 6; i++) {
            if (!get(clusterIp, 80).equals("web-b")) {
              return false;
            }
          }
          return true;
        });
    for (int i = 0; i < 30; i++) {
      assertThat(get(clusterIp, 80)).isEqualTo("web-b");
    }
  }

  // ---- helpers ----

  private static String endpoints(List<String> pods) {
    StringBuilder subsets = new StringBuilder();
    for (String pod : pods) {
      subsets.append(
          "- addresses: [{ip: 127.0.0.1}]\n  ports: [{name: http, port: %d}]\n"
              .formatted(podPorts.get(pod)));
    }
    return "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\nsubsets:\n" + subsets;
  }

  /** GET / over one HTTP/1.0 connection: the body, or a description of what failed. */
  static String get(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int body = response.indexOf("\r\n\r\n");
      return body < 0 ? "no response: " + response : response.substring(body + 4);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String yamlString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void apply(String yaml) throws Exception {
    Process p = kubectlProcess("apply", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(yaml.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static String kubectl(String... args) throws Exception {
    Process p = kubectlProcess(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static ProcessBuilder kubectlProcess(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KUBECONFIG", dir.resolve("data/kubeconfig").toString());
    pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
    return pb;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void await(Duration timeout, String what, BooleanSupplier condition) {
    io.akkube.cluster.e2e.Await.until(timeout, what, condition);
  }
}
