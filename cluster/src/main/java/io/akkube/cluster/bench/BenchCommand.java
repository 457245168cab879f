package io.akkube.cluster.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code akkube bench}: benchmark programs (not tests); each prints a table and appends JSON. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark against an in-process akkube on loopback.",
    subcommands = {
      BenchCommand.Schedule.class,
      // issue 9 (ScenarioCommands.java):
      ScenarioCommands.ApiCreate.class,
      ScenarioCommands.Watch.class,
      ScenarioCommands.Recover.class,
      ScenarioCommands.Footprint.class
    })
public final class BenchCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** {@code akkube bench schedule}: pods bound per second and latencies on hollow nodes. */
  @Command(
      name = "schedule",
      mixinStandardHelpOptions = true,
      description =
          "Create pods over HTTP on hollow nodes; report pods bound/s, create→bound and"
              + " create→Running p50/p99, and heap used.")
  static final class Schedule implements Callable<Integer> {

    @Option(names = "--nodes", description = "Hollow nodes (default: ${DEFAULT-VALUE}).")
    int nodes = 1000;

    @Option(names = "--pods", description = "Pods to create (default: ${DEFAULT-VALUE}).")
    int pods = 10000;

    @Option(
        names = "--create-concurrency",
        description = "Pod creations in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 32;

    @Option(
        names = "--timeout",
        description = "Give up after this long, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 900;

    @Option(
        names = "--results",
        description = "JSON lines file the result is appended to (default: ${DEFAULT-VALUE}).")
    Path results = Path.of("bench-results", "schedule.jsonl");

    @Override
    public Integer call() throws Exception {
      ScheduleBench.Result r =
          new ScheduleBench(nodes, pods, concurrency, Duration.ofSeconds(timeoutSeconds)).run();
      System.out.println(r.table());
      r.append(results);
      System.out.println("appended to " + results.toAbsolutePath());
      return r.complete() ? 0 : 1;
    }
  }
}
