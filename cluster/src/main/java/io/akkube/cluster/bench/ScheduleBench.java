package io.akkube.cluster.bench;

import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.akkube.cluster.AkkubeServer;
import io.akkube.cluster.ApiTls;
import io.akkube.cluster.hollow.HollowNodes;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import io.akkube.core.store.WriteOptions;
import io.akkube.persistence.JournalSetup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The scheduling benchmark: an akkube member in this JVM on loopback with a temporary data
 * directory, the embedded node agent off, {@code nodes} hollow nodes and the local Node tainted
 * away; {@code pods} pods created over HTTPS with bounded concurrency, their binding and Running
 * observed on an in-process watch. Bounded by the pod count and the timeout.
 */
final class ScheduleBench {

  private final int nodes;
  private final int pods;
  private final int concurrency;
  private final Duration timeout;

  ScheduleBench(int nodes, int pods, int concurrency, Duration timeout) {
    this.nodes = nodes;
    this.pods = pods;
    this.concurrency = concurrency;
    this.timeout = timeout;
  }

  /** What one run measured. Latencies in milliseconds. */
  record Result(
      int nodes,
      int pods,
      int created,
      int bound,
      int running,
      double nodesReadySeconds,
      double boundPerSecond,
      double createPerSecond,
      long boundP50,
      long boundP99,
      long runningP50,
      long runningP99,
      long heapAfterNodesMiB,
      long heapAfterPodsMiB,
      Map<String, Object> machine) {

    boolean complete() {
      return created == pods && bound == pods && running == pods;
    }

    String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%-32s %s%n", "nodes / pods", nodes + " / " + pods));
      sb.append(String.format("%-32s %.1f s%n", "hollow nodes registered in", nodesReadySeconds));
      sb.append(
          String.format(
              "%-32s %d / %d / %d%n", "pods created / bound / Running", created, bound, running));
      sb.append(String.format("%-32s %.0f%n", "pods created/s (HTTP)", createPerSecond));
      sb.append(String.format("%-32s %.0f%n", "pods bound/s", boundPerSecond));
      sb.append(String.format("%-32s %d / %d ms%n", "create→bound p50 / p99", boundP50, boundP99));
      sb.append(
          String.format("%-32s %d / %d ms%n", "create→Running p50 / p99", runningP50, runningP99));
      sb.append(String.format("%-32s %d MiB%n", "heap used after nodes", heapAfterNodesMiB));
      sb.append(String.format("%-32s %d MiB%n", "heap used after pods", heapAfterPodsMiB));
      sb.append(String.format("%-32s %s", "machine", machine));
      return sb.toString();
    }

    void append(Path file) throws IOException {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("benchmark", "schedule");
      line.put("time", Instant.now().toString());
      line.put("nodes", nodes);
      line.put("pods", pods);
      line.put("created", created);
      line.put("bound", bound);
      line.put("running", running);
      line.put("nodesReadySeconds", round(nodesReadySeconds));
      line.put("createPerSecond", round(createPerSecond));
      line.put("boundPerSecond", round(boundPerSecond));
      line.put("createToBoundP50Ms", boundP50);
      line.put("createToBoundP99Ms", boundP99);
      line.put("createToRunningP50Ms", runningP50);
      line.put("createToRunningP99Ms", runningP99);
      line.put("heapUsedAfterNodesMiB", heapAfterNodesMiB);
      line.put("heapUsedAfterPodsMiB", heapAfterPodsMiB);
      line.set("machine", Json.MAPPER.valueToTree(machine));
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(
          file,
          Json.MAPPER.writeValueAsString(line) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }

    private static double round(double d) {
      return Math.round(d * 10) / 10.0;
    }
  }

  Result run() throws Exception {
    Path dataDir = Files.createTempDirectory("akkube-bench-");
    AkkubeServer server = null;
    try {
      String token = "bench-" + System.nanoTime();
      Config config =
          ConfigFactory.empty()
              .withValue("akkube.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()))
              .withValue("akkube.api.bind", ConfigValueFactory.fromAnyRef("127.0.0.1"))
              .withValue("akkube.api.port", ConfigValueFactory.fromAnyRef(0))
              .withValue("akkube.node.enabled", ConfigValueFactory.fromAnyRef(false))
              .withValue("akkube.hollow-nodes.count", ConfigValueFactory.fromAnyRef(nodes))
              .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
              .withFallback(JournalSetup.h2(dataDir))
              .withFallback(ConfigFactory.parseResources("akkube.conf"))
              .withFallback(ConfigFactory.load())
              .resolve();
      ApiTls tls = ApiTls.ensure(dataDir, Set.of("127.0.0.1"), Set.of("localhost"));
      long start = System.nanoTime();
      server = AkkubeServer.start(config, token, "bench-local", tls.serverContext());
      var store = server.store();
      // The local Node has no agent here: keep pods off it.
      store
          .patch(
              ResourceTypes.NODES,
              null,
              "bench-local",
              PatchType.MERGE_PATCH,
              "{\"spec\":{\"taints\":[{\"key\":\"node-role.kubernetes.io/control-plane\",\"effect\":\"NoSchedule\"}]}}"
                  .getBytes(StandardCharsets.UTF_8),
              null,
              WriteOptions.DEFAULT)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      long deadline = start + timeout.toNanos();
      while (readyHollowNodes(server) < nodes) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("hollow nodes not registered within " + timeout);
        }
        Thread.sleep(200);
      }
      double nodesReady = (System.nanoTime() - start) / 1e9;
      long heapAfterNodes = heapUsedMiB();
      System.out.printf(
          "%d hollow nodes registered in %.1f s, heap used %d MiB%n",
          nodes, nodesReady, heapAfterNodes);

      Map<String, Long> created = new ConcurrentHashMap<>();
      Map<String, Long> bound = new ConcurrentHashMap<>();
      Map<String, Long> running = new ConcurrentHashMap<>();
      AtomicInteger doubleBound = new AtomicInteger();
      long revision =
          store
              .list(ResourceTypes.PODS, new ListOptions("bench", "", "", 1, "", ""))
              .toCompletableFuture()
              .get()
              .revision();
      store
          .watch(
              ResourceTypes.PODS,
              new WatchOptions(
                  "bench", "", "", Long.toString(revision), false, timeout.toSeconds()))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .runWith(
              Sink.foreach(
                  (WatchEvent e) -> {
                    long now = System.nanoTime();
                    ObjectNode pod = e.object();
                    String name = Json.name(pod);
                    if (!Json.text(pod.path("spec"), "nodeName").isEmpty()) {
                      bound.putIfAbsent(name, now);
                    }
                    if (pod.path("status").path("phase").asText("").equals("Running")) {
                      running.putIfAbsent(name, now);
                    }
                  }),
              server.system());

      createNamespace(server, tls, token);
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(tls.clientContext())
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      URI podsUri =
          URI.create("https://127.0.0.1:" + server.apiPort() + "/api/v1/namespaces/bench/pods");
      Semaphore inFlight = new Semaphore(concurrency);
      AtomicInteger failures = new AtomicInteger();
      long createStart = System.nanoTime();
      for (int i = 0; i < pods; i++) {
        String name = "bench-" + i;
        inFlight.acquire();
        created.put(name, System.nanoTime());
        client
            .sendAsync(
                HttpRequest.newBuilder(podsUri)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(podJson(name)))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (r, f) -> {
                  inFlight.release();
                  if (f != null || r.statusCode() != 201) {
                    failures.incrementAndGet();
                    created.remove(name);
                  }
                });
      }
      inFlight.acquire(concurrency);
      double createSeconds = (System.nanoTime() - createStart) / 1e9;
      if (failures.get() > 0) {
        System.out.println(failures.get() + " pod creations failed");
      }
      int expected = pods - failures.get();
      while ((bound.size() < expected || running.size() < expected)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long lastBound = bound.values().stream().max(Long::compare).orElse(createStart);
      double boundPerSecond = bound.size() / Math.max(1e-9, (lastBound - createStart) / 1e9);
      long[] toBound = latencies(created, bound);
      long[] toRunning = latencies(created, running);
      long heapAfterPods = heapUsedMiB();
      return new Result(
          nodes,
          pods,
          expected,
          bound.size(),
          running.size(),
          nodesReady,
          boundPerSecond,
          expected / createSeconds,
          percentile(toBound, 50),
          percentile(toBound, 99),
          percentile(toRunning, 50),
          percentile(toRunning, 99),
          heapAfterNodes,
          heapAfterPods,
          machine());
    } finally {
      if (server != null) {
        server.stop();
      }
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int readyHollowNodes(AkkubeServer server) throws Exception {
    return (int)
        server
            .store()
            .list(ResourceTypes.NODES, ListOptions.all())
            .toCompletableFuture()
            .get()
            .items()
            .stream()
            .filter(n -> Json.name(n.object()).startsWith(HollowNodes.NAME_PREFIX))
            .filter(n -> n.object().path("status").path("allocatable").has("pods"))
            .count();
  }

  private static void createNamespace(AkkubeServer server, ApiTls tls, String token)
      throws Exception {
    ObjectNode ns = Json.MAPPER.createObjectNode();
    ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "bench");
    server
        .store()
        .create(ResourceTypes.NAMESPACES, null, ns, WriteOptions.DEFAULT)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** A small pod: 100m cpu and 64Mi, so 1 000 nodes of 4 cpu hold 10 000 of them. */
  private static String podJson(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\",\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"registry.k8s.io/pause:3.9\",\"resources\":{\"requests\":"
        + "{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}";
  }

  private static long[] latencies(Map<String, Long> from, Map<String, Long> to) {
    return to.entrySet().stream()
        .filter(e -> from.containsKey(e.getKey()))
        .mapToLong(e -> (e.getValue() - from.get(e.getKey())) / 1_000_000)
        .sorted()
        .toArray();
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long heapUsedMiB() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memTotal", memTotal());
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("jvmFlags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("gitCommit", gitCommit());
    return m;
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return line.substring("MemTotal:".length()).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static String gitCommit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  static long[] sorted(List<Long> values) {
    long[] a = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
