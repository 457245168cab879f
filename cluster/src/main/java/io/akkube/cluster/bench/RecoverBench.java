package io.akkube.cluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code akkube bench recover}: K configmaps journaled, the server killed with SIGKILL and started
 * again on the same data directory; seconds from the new process's start until {@code /readyz}
 * answers 200 and until a list of the namespace serves all K objects.
 */
final class RecoverBench {

  static final String NAMESPACE = "bench";

  record Settings(
      int objects,
      int concurrency,
      Duration timeout,
      List<String> serverJvmOptions,
      Path workDir) {}

  private final Settings s;

  RecoverBench(Settings settings) {
    this.s = settings;
  }

  BenchResult run() throws Exception {
    long start = System.nanoTime();
    long deadline = start + s.timeout().toNanos();
    // Writing gets 70% of the budget; what is journaled by then is what the restart must serve.
    long writeDeadline = start + (long) (s.timeout().toNanos() * 0.7);
    BenchResult result =
        new BenchResult("recover", List.of("akkube"))
            .param("objects", s.objects())
            .param("concurrency", s.concurrency())
            .param("serverJvmOptions", String.join(" ", s.serverJvmOptions()));
    Path dataDir = s.workDir().resolve("akkube");
    String collection = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
    double emptyReady;
    Load.Outcome writes;
    AkkubeChild first = AkkubeChild.start(dataDir, s.serverJvmOptions(), 0);
    try {
      emptyReady = first.awaitReady(Duration.ofSeconds(120));
      first.createNamespace(NAMESPACE);
      System.out.printf("journaling %d configmaps, load %s%n", s.objects(), Machine.loadAverage());
      writes =
          Load.run(
              s.objects(),
              s.concurrency(),
              i -> first.create(collection, configMap(i)),
              writeDeadline);
    } finally {
      first.kill();
    }
    int journaled = writes.ok();
    System.out.printf(
        "%d configmaps in %.1f s; killed -9; restarting, load %s%n",
        journaled, writes.seconds(), Machine.loadAverage());
    double ready = Double.NaN;
    double listed = Double.NaN;
    int served = 0;
    try (AkkubeChild second = AkkubeChild.start(dataDir, s.serverJvmOptions(), 0)) {
      try {
        ready = second.awaitReady(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (IllegalStateException e) {
        result.incomplete("not ready before the deadline: " + e.getMessage().lines().findFirst());
      }
      while (!Double.isNaN(ready) && System.nanoTime() < deadline) {
        try {
          HttpResponse<byte[]> r =
              second
                  .client()
                  .send(
                      second.request(collection).timeout(Duration.ofSeconds(120)).build(),
                      HttpResponse.BodyHandlers.ofByteArray());
          double at = (System.nanoTime() - second.startedNanos()) / 1e9;
          if (r.statusCode() == 200) {
            JsonNode list = Json.MAPPER.readTree(r.body());
            served = list.path("items").size();
            if (served >= journaled) {
              listed = at;
              break;
            }
          }
        } catch (IOException e) {
          // the list timed out or the connection dropped: ask again
        }
        Thread.sleep(100);
      }
    }
    result
        .row("objects journaled", "", "journaled", (double) journaled)
        .row("journaling rate", "per s", "writesPerSecond", writes.perSecond())
        .row("start to /readyz, empty journal", "s", "emptyReadySeconds", emptyReady)
        .row("restart to /readyz", "s", "readySeconds", ready)
        .row("restart to full list", "s", "listSeconds", listed)
        .row("objects in that list", "", "listed", (double) served)
        .row("journal file", "MiB", "journalMiB", journalMiB(dataDir))
        .put("loadAverageAtEnd", Machine.loadAverage());
    if (journaled < s.objects()) {
      result.incomplete(
          "journaled " + journaled + " of " + s.objects() + " objects within the write budget");
    }
    if (Double.isNaN(listed)) {
      result.incomplete("the list never held all " + journaled + " objects");
    }
    return result;
  }

  private static double journalMiB(Path dataDir) {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dataDir)) {
      return files
              .filter(f -> f.getFileName().toString().startsWith("journal"))
              .mapToLong(f -> f.toFile().length())
              .sum()
          / (1024.0 * 1024.0);
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static byte[] configMap(int i) {
    String name = String.format("settings-%06d", i);
    return ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\""
            + NAMESPACE
            + "\",\"labels\":{\"app\":\"storefront\"}},\"data\":{\"LOG_LEVEL\":\"info\","
            + "\"CACHE_SIZE\":\"256\",\"settings.yaml\":\"region: eu-west-1\\nreplica: "
            + i
            + "\\n\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
