package io.akkube.cluster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code akkube bench} scenarios of issue 9 that run akkube as a child process: api-create
 * (against etcd), watch, recover and footprint. Each prints its table and appends a JSON line.
 */
final class ScenarioCommands {

  private ScenarioCommands() {}

  /** Options every scenario has. */
  static final class Common {
    @Option(
        names = "--results",
        description = "Directory of the <scenario>.jsonl files (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("bench-results");

    @Option(
        names = "--timeout",
        description = "Stop after this many seconds, whatever is done (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 600;

    @Option(
        names = "--server-jvm-options",
        description =
            "JVM options of the akkube child, space-separated (default: ${DEFAULT-VALUE}).")
    String serverJvmOptions = "-Xmx2g";

    @Option(
        names = "--jfr",
        description = "Record a JFR profile of the akkube child into this file (default: none).")
    Path jfr;

    @Option(names = "--keep", description = "Keep the temporary data directories.")
    boolean keep;

    List<String> jvmOptions() {
      List<String> options = new ArrayList<>();
      options.addAll(Arrays.asList(serverJvmOptions.trim().split("\\s+")));
      options.removeIf(String::isEmpty);
      if (jfr != null) {
        options.add(
            "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + jfr.toAbsolutePath());
      }
      return options;
    }

    Duration timeout() {
      return Duration.ofSeconds(timeoutSeconds);
    }

    /** Runs {@code bench} in a fresh temporary directory, prints and records its result. */
    int report(Scenario bench) throws Exception {
      Path work = Files.createTempDirectory("akkube-bench-");
      try {
        BenchResult result = bench.run(work);
        System.out.println(result.table());
        Path file = result.append(results);
        System.out.println("appended to " + file.toAbsolutePath());
        return result.complete() ? 0 : 1;
      } finally {
        if (keep) {
          System.out.println("kept " + work);
        } else {
          delete(work);
        }
      }
    }
  }

  interface Scenario {
    BenchResult run(Path workDir) throws Exception;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Command(
      name = "api-create",
      mixinStandardHelpOptions = true,
      description =
          "Create N pods over HTTPS with C clients in a fresh akkube, put the same bodies into a"
              + " fresh etcd 3.4 through jetcd; creates/s, latencies and the ratio akkube ÷ etcd.")
  static final class ApiCreate implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--count", description = "Pods (default: ${DEFAULT-VALUE}).")
    int count = 20_000;

    @Option(
        names = "--concurrency",
        description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency = 64;

    @Option(
        names = "--warmup",
        description = "Unmeasured creates first, on each side (default: ${DEFAULT-VALUE}).")
    int warmup = 2_000;

    @Override
    public Integer call() throws Exception {
      return common.report(
          work ->
              new ApiCreateBench(
                      new ApiCreateBench.Settings(
                          count, concurrency, warmup, common.timeout(), common.jvmOptions(), work))
                  .run());
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description =
          "W watch streams on pods while pods are created at R per second for D seconds;"
              + " delivery latency p50/p99 and events lost.")
  static final class Watch implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--watchers", description = "Watch streams (default: ${DEFAULT-VALUE}).")
    int watchers = 100;

    @Option(names = "--rate", description = "Pod creates per second (default: ${DEFAULT-VALUE}).")
    int rate = 1_000;

    @Option(names = "--duration", description = "Seconds of writing (default: ${DEFAULT-VALUE}).")
    int duration = 10;

    @Option(
        names = "--max-in-flight",
        description = "Creates in flight at most (default: ${DEFAULT-VALUE}).")
    int maxInFlight = 256;

    @Override
    public Integer call() throws Exception {
      return common.report(
          work ->
              new WatchBench(
                      new WatchBench.Settings(
                          watchers,
                          rate,
                          duration,
                          maxInFlight,
                          common.timeout(),
                          common.jvmOptions(),
                          work))
                  .run());
    }
  }

  @Command(
      name = "recover",
      mixinStandardHelpOptions = true,
      description =
          "Journal K configmaps, kill -9, restart: seconds until /readyz and until a full list.")
  static final class Recover implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--objects", description = "Configmaps (default: ${DEFAULT-VALUE}).")
    int objects = 100_000;

    @Option(names = "--concurrency", description = "Creates in flight (default: ${DEFAULT-VALUE}).")
    int concurrency = 64;

    @Override
    public Integer call() throws Exception {
      return common.report(
          work ->
              new RecoverBench(
                      new RecoverBench.Settings(
                          objects, concurrency, common.timeout(), common.jvmOptions(), work))
                  .run());
    }
  }

  @Command(
      name = "footprint",
      mixinStandardHelpOptions = true,
      description = "Heap after GC and RSS with H hollow nodes, then with P pods Running on them.")
  static final class Footprint implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--nodes", description = "Hollow nodes (default: ${DEFAULT-VALUE}).")
    int nodes = 1_000;

    @Option(names = "--pods", description = "Pods (default: ${DEFAULT-VALUE}).")
    int pods = 10_000;

    @Option(names = "--concurrency", description = "Creates in flight (default: ${DEFAULT-VALUE}).")
    int concurrency = 64;

    @Override
    public Integer call() throws Exception {
      return common.report(
          work ->
              new FootprintBench(
                      new FootprintBench.Settings(
                          nodes, pods, concurrency, common.timeout(), common.jvmOptions(), work))
                  .run());
    }
  }
}
