package io.akkube.cluster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Smoke runs of the issue 9 benchmarks with tiny sizes, so the harness cannot rot: each scenario
 * prints its table and appends its JSON line, and api-create really ran etcd.
 */
class BenchScenariosIT {

  @TempDir Path results;

  @Test
  void apiCreateCreatesInAkkubeAndPutsInARealEtcd() throws Exception {
    JsonNode line = run("api-create", "--count", "40", "--warmup", "10", "--concurrency", "8");
    assertThat(line.path("etcd_version").asText()).startsWith("etcd Version: 3.4");
    assertThat(line.path("results").path("akkube").path("ok").asInt()).isEqualTo(40);
    assertThat(line.path("results").path("etcd").path("ok").asInt()).isEqualTo(40);
    assertThat(line.path("results").path("etcd").path("p99Ms").asDouble()).isPositive();
    assertThat(line.path("ratio_vs_etcd").asDouble()).isPositive();
  }

  @Test
  void watchDeliversEveryCreatedPodToEveryWatcher() throws Exception {
    JsonNode line = run("watch", "--watchers", "3", "--rate", "20", "--duration", "2");
    JsonNode akkube = line.path("results").path("akkube");
    assertThat(akkube.path("created").asInt()).isEqualTo(40);
    assertThat(akkube.path("delivered").asInt()).isEqualTo(120);
    assertThat(akkube.path("lost").asInt()).isZero();
  }

  @Test
  void recoverServesEveryJournaledObjectAfterKillMinus9() throws Exception {
    JsonNode line = run("recover", "--objects", "50");
    JsonNode akkube = line.path("results").path("akkube");
    assertThat(akkube.path("journaled").asInt()).isEqualTo(50);
    assertThat(akkube.path("listed").asInt()).isEqualTo(50);
    assertThat(akkube.path("readySeconds").asDouble()).isPositive();
  }

  @Test
  void footprintMeasuresHeapAndRssWithPodsOnHollowNodes() throws Exception {
    JsonNode line = run("footprint", "--nodes", "3", "--pods", "10");
    JsonNode akkube = line.path("results").path("akkube");
    assertThat(akkube.path("running").asInt()).isEqualTo(10);
    assertThat(akkube.path("heapPodsMiB").asDouble()).isPositive();
    assertThat(akkube.path("rssPodsMiB").asDouble()).isPositive();
  }

  /** Runs {@code akkube bench <scenario> args}; checks the table and returns the JSON line. */
  private JsonNode run(String scenario, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(scenario));
    all.addAll(List.of(args));
    // C1 only and a small heap: the child starts sooner and compiles less (sizes are tiny).
    all.addAll(
        List.of(
            "--timeout",
            "150",
            "--results",
            results.toString(),
            "--server-jvm-options",
            "-Xmx512m -XX:TieredStopAtLevel=1"));
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try (PrintStream tee =
        new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8)) {
      System.setOut(tee);
      exit = new CommandLine(new BenchCommand()).execute(all.toArray(String[]::new));
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("== bench " + scenario).contains("metric").contains("machine:");
    List<String> lines = Files.readAllLines(results.resolve(scenario + ".jsonl"));
    assertThat(lines).hasSize(1);
    JsonNode line = Json.MAPPER.readTree(lines.get(0));
    assertThat(line.path("scenario").asText()).isEqualTo(scenario);
    assertThat(line.path("complete").asBoolean()).isTrue();
    assertThat(line.path("machine").path("cores").asInt()).isPositive();
    assertThat(line.path("machine").path("gitCommit").asText()).isNotEmpty();
    return line;
  }

  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
