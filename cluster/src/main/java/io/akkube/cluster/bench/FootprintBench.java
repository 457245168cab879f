package io.akkube.cluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code akkube bench footprint}: heap in use after a full GC and resident set size of an akkube
 * child with H hollow nodes, then with P pods Running on them.
 */
final class FootprintBench {

  static final String NAMESPACE = "bench";

  record Settings(
      int nodes,
      int pods,
      int concurrency,
      Duration timeout,
      List<String> serverJvmOptions,
      Path workDir) {}

  private final Settings s;

  FootprintBench(Settings settings) {
    this.s = settings;
  }

  BenchResult run() throws Exception {
    long deadline = System.nanoTime() + s.timeout().toNanos();
    BenchResult result =
        new BenchResult("footprint", List.of("akkube"))
            .param("hollowNodes", s.nodes())
            .param("pods", s.pods())
            .param("serverJvmOptions", String.join(" ", s.serverJvmOptions()));
    try (AkkubeChild server =
        AkkubeChild.start(s.workDir().resolve("akkube"), s.serverJvmOptions(), s.nodes())) {
      server.awaitReady(Duration.ofSeconds(120));
      double emptyHeap = server.heapUsedAfterGcMiB();
      double emptyRss = server.rssMiB();
      int nodes = 0;
      while (System.nanoTime() < deadline) {
        try {
          nodes = readyHollowNodes(server);
        } catch (IllegalStateException | java.io.IOException e) {
          // a list timing out under load: ask again
        }
        if (nodes >= s.nodes()) {
          break;
        }
        Thread.sleep(1000);
      }
      double nodesReady = (System.nanoTime() - server.startedNanos()) / 1e9;
      double nodesHeap = server.heapUsedAfterGcMiB();
      double nodesRss = server.rssMiB();
      System.out.printf(
          "%d hollow nodes in %.1f s; creating %d pods, load %s%n",
          nodes, nodesReady, s.pods(), Machine.loadAverage());
      server.createNamespace(NAMESPACE);
      Load.Outcome creates =
          Load.run(
              s.pods(),
              s.concurrency(),
              i ->
                  server.create(
                      "/api/v1/namespaces/" + NAMESPACE + "/pods",
                      PodBodies.pod(String.format("storefront-%06d", i), NAMESPACE)
                          .getBytes(StandardCharsets.UTF_8)),
              deadline);
      int running = 0;
      String listError = null;
      while (System.nanoTime() < deadline) {
        try {
          running =
              server
                  .getJson(
                      "/api/v1/namespaces/"
                          + NAMESPACE
                          + "/pods?fieldSelector=status.phase%3DRunning")
                  .path("items")
                  .size();
        } catch (IllegalStateException | java.io.IOException e) {
          listError = e.getMessage(); // a list timing out under load: ask again
        }
        if (running >= creates.ok()) {
          break;
        }
        Thread.sleep(2000);
      }
      if (listError != null) {
        result.note("a list failed meanwhile: " + ApiCreateBench.abbreviate(listError));
      }
      double podsHeap = server.heapUsedAfterGcMiB();
      double podsRss = server.rssMiB();
      result
          .row("hollow nodes registered", "", "nodes", (double) nodes)
          .row("pods created", "", "pods", (double) creates.ok())
          .row("pods Running", "", "running", (double) running)
          .row("heap after GC, empty", "MiB", "heapEmptyMiB", emptyHeap)
          .row("heap after GC, with nodes", "MiB", "heapNodesMiB", nodesHeap)
          .row("heap after GC, with pods", "MiB", "heapPodsMiB", podsHeap)
          .row("RSS, empty", "MiB", "rssEmptyMiB", emptyRss)
          .row("RSS, with nodes", "MiB", "rssNodesMiB", nodesRss)
          .row("RSS, with pods", "MiB", "rssPodsMiB", podsRss)
          .put("loadAverageAtEnd", Machine.loadAverage());
      if (nodes < s.nodes()) {
        result.incomplete(nodes + " of " + s.nodes() + " hollow nodes registered");
      }
      if (creates.ok() < s.pods() || running < s.pods()) {
        result.incomplete(
            creates.ok() + " of " + s.pods() + " pods created, " + running + " Running");
      }
    }
    return result;
  }

  private static int readyHollowNodes(AkkubeChild server) throws Exception {
    int ready = 0;
    for (JsonNode node : server.getJson("/api/v1/nodes").path("items")) {
      if (!node.path("metadata").path("name").asText().equals(BenchServer.LOCAL_NODE)
          && node.path("status").path("allocatable").has("pods")) {
        ready++;
      }
    }
    return ready;
  }
}
