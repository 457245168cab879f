package io.akkube.node.proxy;

import static io.akkube.node.proxy.Services.catalog;
import static io.akkube.node.proxy.Services.endpoints;
import static io.akkube.node.proxy.Services.service;
import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy with real sockets, only on 127.0.0.0/8. */
class ServiceProxyTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  private Backend a;
  private Backend b;
  private Backend c;
  private String clusterIp;
  private int port;

  @BeforeEach
  void backends() throws IOException {
    a = new Backend("a");
    b = new Backend("b");
    c = new Backend("c");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    clusterIp = "127.97." + random.nextInt(1, 255) + "." + random.nextInt(1, 255);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  @AfterEach
  void closeBackends() throws IOException {
    a.close();
    b.close();
    c.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ServiceProxy.Command> proxy(String node) {
    return testKit.spawn(
        ServiceProxy.create(
            new ServiceProxy.Settings(
                node, "127.0.0.1", false, Duration.ofSeconds(30), Duration.ofSeconds(5)),
            Clock.systemUTC()));
  }

  private ServiceCatalog web(List<Backend> ready, String affinity, String... extraPorts) {
    String[] ports = new String[1 + extraPorts.length];
    ports[0] = "http:" + port + ":TCP";
    System.arraycopy(extraPorts, 0, ports, 1, extraPorts.length);
    ObjectNode svc = service("default", "web", clusterIp, ports);
    if (!affinity.isEmpty()) {
      svc.with("spec").put("sessionAffinity", affinity);
    }
    ObjectNode ep = Services.endpoints("default", "web", List.of(), List.of(), "http:0:TCP");
    ep.withArray("subsets").removeAll();
    for (Backend backend : ready) {
      ObjectNode subset = ep.withArray("subsets").addObject();
      subset.putArray("addresses").addObject().put("ip", "127.0.0.1");
      subset.putArray("ports").addObject().put("name", "http").put("port", backend.tcpPort());
      subset
          .withArray("ports")
          .addObject()
          .put("name", "dns")
          .put("port", backend.udpPort())
          .put("protocol", "UDP");
    }
    return catalog(List.of(svc), List.of(ep));
  }

  @Test
  void connectionsToTheClusterIpReachEveryReadyEndpointInTurn() throws Exception {
    ActorRef<ServiceProxy.Command> proxy = proxy("n1");
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(a, b, c), "")));
    await(() -> request(clusterIp, port, "x").endsWith(" x"));
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      hits.merge(request(clusterIp, port, "x").split(" ")[0], 1, Integer::sum);
    }
    assertThat(hits).containsOnlyKeys("a", "b", "c").containsValues(10, 10, 10);
  }

  @Test
  void anEndpointChangeMovesNewConnectionsButKeepsEstablishedOnes() throws Exception {
    ActorRef<ServiceProxy.Command> proxy = proxy("n1");
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(a, b, c), "")));
    await(() -> request(clusterIp, port, "x").endsWith(" x"));
    try (Socket established = new Socket(clusterIp, port)) {
      established.setSoTimeout(5000);
      String first = exchange(established, "one");
      Backend keeper = first.startsWith("a") ? a : first.startsWith("b") ? b : c;
      Backend survivor = keeper == c ? a : c;
      proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(survivor), "")));
      await(() -> request(clusterIp, port, "x").startsWith(survivor.name + " "));
      for (int i = 0; i < 10; i++) {
        assertThat(request(clusterIp, port, "x")).isEqualTo(survivor.name + " x");
      }
      assertThat(exchange(established, "two")).isEqualTo(keeper.name + " two");
    }
  }

  @Test
  void aClusterIpOutsideLoopbackThatMayNotBeAddedIsReportedUntilItsServiceGoes() throws Exception {
    List<List<String>> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    ActorRef<ServiceProxy.Command> proxy =
        testKit.spawn(
            ServiceProxy.create(
                new ServiceProxy.Settings(
                    "n1", "127.0.0.1", false, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                Clock.systemUTC(),
                reports::add));
    // never bound nor contacted: the proxy may not add 10.96.7.7 to lo, so it only reports it
    ServiceCatalog outside =
        catalog(
            List.of(service("default", "web", "10.96.7.7", "http:" + port + ":TCP")), List.of());
    proxy.tell(new ServiceProxy.CatalogChanged(outside));
    await(() -> reports.size() == 1);
    assertThat(reports.get(0)).singleElement().asString().contains("10.96.7.7 is not routable");
    proxy.tell(new ServiceProxy.CatalogChanged(catalog(List.of(), List.of())));
    await(() -> reports.size() == 2);
    assertThat(reports.get(1)).isEmpty();
  }

  @Test
  void aServiceWithoutEndpointsClosesConnections() throws Exception {
    ActorRef<ServiceProxy.Command> proxy = proxy("n1");
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(a), "")));
    await(() -> request(clusterIp, port, "x").equals("a x"));
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(), "")));
    await(() -> request(clusterIp, port, "x").equals("closed"));
  }

  @Test
  void clientIpAffinityKeepsAClientOnOneEndpoint() throws Exception {
    ActorRef<ServiceProxy.Command> proxy = proxy("n1");
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(a, b, c), "ClientIP")));
    await(() -> request(clusterIp, port, "x").endsWith(" x"));
    String first = request(clusterIp, port, "x");
    for (int i = 0; i < 10; i++) {
      assertThat(request(clusterIp, port, "x")).isEqualTo(first);
    }
  }

  @Test
  void nodePortsAreServedOnTheNodeAddress() throws Exception {
    int nodePort;
    try (ServerSocket s = new ServerSocket(0)) {
      nodePort = s.getLocalPort();
    }
    ObjectNode svc = service("default", "np", clusterIp, "http:" + port + ":TCP:" + nodePort);
    ObjectNode ep =
        endpoints("default", "np", List.of("127.0.0.1"), List.of(), "http:" + a.tcpPort() + ":TCP");
    proxy("n1").tell(new ServiceProxy.CatalogChanged(catalog(List.of(svc), List.of(ep))));
    await(() -> request("127.0.0.1", nodePort, "x").equals("a x"));
    assertThat(request(clusterIp, port, "y")).isEqualTo("a y");
  }

  @Test
  void twoAgentsOnOneMachineShareAClusterIpPort() throws Exception {
    ActorRef<ServiceProxy.Command> first = proxy("n1");
    ActorRef<ServiceProxy.Command> second = proxy("n2");
    first.tell(new ServiceProxy.CatalogChanged(web(List.of(a), "")));
    second.tell(new ServiceProxy.CatalogChanged(web(List.of(a), "")));
    await(() -> request(clusterIp, port, "x").equals("a x"));
    testKit.stop(first);
    await(() -> request(clusterIp, port, "x").equals("a x"));
    for (int i = 0; i < 10; i++) {
      assertThat(request(clusterIp, port, "x")).isEqualTo("a x");
    }
  }

  @Test
  void reusePortLetsTwoListenersBindOneAddress() throws Exception {
    var system = testKit.system();
    List<akka.stream.javadsl.Tcp.ServerBinding> bindings = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      bindings.add(
          akka.stream.javadsl.Tcp.get(system)
              .bind(clusterIp, port, 10, List.of(ReusePort.ON), true, java.util.Optional.empty())
              .to(akka.stream.javadsl.Sink.ignore())
              .run(system)
              .toCompletableFuture()
              .get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
    assertThat(bindings).hasSize(2);
    bindings.forEach(akka.stream.javadsl.Tcp.ServerBinding::unbind);
  }

  @Test
  void udpDatagramsAreForwardedAndAnsweredPerClient() throws Exception {
    ActorRef<ServiceProxy.Command> proxy = proxy("n1");
    proxy.tell(new ServiceProxy.CatalogChanged(web(List.of(a, b), "", "dns:" + port + ":UDP")));
    try (DatagramSocket one = new DatagramSocket();
        DatagramSocket two = new DatagramSocket()) {
      one.setSoTimeout(300);
      two.setSoTimeout(300);
      await(() -> datagram(one, "ping").endsWith(" ping"));
      String endpoint = datagram(one, "ping").split(" ")[0];
      for (int i = 0; i < 5; i++) {
        assertThat(datagram(one, "again")).isEqualTo(endpoint + " again");
      }
      await(() -> datagram(two, "ping").endsWith(" ping"));
      assertThat(datagram(two, "ping").split(" ")[0]).isNotEqualTo(endpoint);
    }
  }

  private String datagram(DatagramSocket socket, String text) {
    try {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(clusterIp, port)));
      DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
      socket.receive(reply);
      return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return "timeout";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** One connection, one line: the answer, "closed" when the proxy closed it, or the error. */
  static String request(String host, int port, String line) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      return exchange(s, line);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String exchange(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    String answer =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    return answer == null ? "closed" : answer;
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
