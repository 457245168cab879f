package io.akkube.cluster.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code akkube bench api-create}: the same N pod bodies created over HTTPS in a fresh akkube (a
 * child JVM) and put into a fresh etcd through jetcd, with the same concurrency, one after the
 * other on the same machine; creates/s, latencies and the ratio akkube ÷ etcd.
 */
final class ApiCreateBench {

  static final String NAMESPACE = "bench";

  record Settings(
      int count,
      int concurrency,
      int warmup,
      Duration timeout,
      List<String> serverJvmOptions,
      Path workDir) {}

  private final Settings s;

  ApiCreateBench(Settings settings) {
    this.s = settings;
  }

  BenchResult run() throws Exception {
    long deadline = System.nanoTime() + s.timeout().toNanos();
    String etcdVersion = EtcdProcess.version();
    System.out.println(etcdVersion);
    List<byte[]> bodies = new ArrayList<>(s.count());
    for (int i = 0; i < s.count(); i++) {
      bodies.add(
          PodBodies.pod(podName(i), NAMESPACE, "", PodBodies.UNSCHEDULED)
              .getBytes(StandardCharsets.UTF_8));
    }
    List<byte[]> warmup = new ArrayList<>(s.warmup());
    for (int i = 0; i < s.warmup(); i++) {
      warmup.add(
          PodBodies.pod("warmup-" + i, NAMESPACE, "", PodBodies.UNSCHEDULED)
              .getBytes(StandardCharsets.UTF_8));
    }
    BenchResult result =
        new BenchResult("api-create", List.of("akkube", "etcd"))
            .param("count", s.count())
            .param("concurrency", s.concurrency())
            .param("warmup", s.warmup())
            .param("bodyBytes", bodies.isEmpty() ? 0 : bodies.get(0).length)
            .param("serverJvmOptions", String.join(" ", s.serverJvmOptions()))
            .put("etcd_version", etcdVersion);

    // akkube gets 70% of the time budget, etcd the rest (it is faster to start and stop).
    long akkubeDeadline = System.nanoTime() + (long) ((deadline - System.nanoTime()) * 0.7);
    Load.Outcome akkube;
    try (AkkubeChild server =
        AkkubeChild.start(s.workDir().resolve("akkube"), s.serverJvmOptions(), 0)) {
      double ready = server.awaitReady(Duration.ofSeconds(120));
      System.out.printf("akkube ready in %.1f s (pid %d)%n", ready, server.pid());
      server.createNamespace(NAMESPACE);
      Load.run(warmup.size(), s.concurrency(), i -> create(server, warmup.get(i)), akkubeDeadline);
      System.out.println("akkube: creating " + s.count() + " pods, load " + Machine.loadAverage());
      akkube =
          Load.run(
              bodies.size(), s.concurrency(), i -> create(server, bodies.get(i)), akkubeDeadline);
      result.param("serverPid", server.pid());
    }
    System.out.println("etcd: putting " + s.count() + " values, load " + Machine.loadAverage());
    Load.Outcome etcd;
    try (EtcdProcess process = EtcdProcess.start(s.workDir().resolve("etcd"));
        Client client = Client.builder().endpoints(process.endpoint()).build()) {
      KV kv = client.getKVClient();
      Load.run(
          warmup.size(), s.concurrency(), i -> put(kv, "warmup-" + i, warmup.get(i)), deadline);
      etcd =
          Load.run(
              bodies.size(), s.concurrency(), i -> put(kv, podName(i), bodies.get(i)), deadline);
    }
    result
        .row("throughput", "per s", "perSecond", akkube.perSecond(), etcd.perSecond())
        .row("latency p50", "ms", "p50Ms", akkube.latency().p50(), etcd.latency().p50())
        .row("latency p90", "ms", "p90Ms", akkube.latency().p90(), etcd.latency().p90())
        .row("latency p99", "ms", "p99Ms", akkube.latency().p99(), etcd.latency().p99())
        .row("latency max", "ms", "maxMs", akkube.latency().max(), etcd.latency().max())
        .row("succeeded", "", "ok", (double) akkube.ok(), (double) etcd.ok())
        .row("failed", "", "failed", (double) akkube.failed(), (double) etcd.failed())
        .row("elapsed", "s", "seconds", akkube.seconds(), etcd.seconds());
    double ratio = akkube.perSecond() / Math.max(1e-9, etcd.perSecond());
    result
        .put("ratio_vs_etcd", BenchResult.round(ratio))
        .put("loadAverageAtEnd", Machine.loadAverage());
    if (akkube.firstError() != null) {
      result.note("akkube: " + akkube.firstError());
    }
    if (etcd.firstError() != null) {
      result.note("etcd: " + etcd.firstError());
    }
    if (akkube.ok() != s.count() || etcd.ok() != s.count()) {
      result.incomplete(
          "created " + akkube.ok() + " in akkube and " + etcd.ok() + " in etcd of " + s.count());
    }
    return result;
  }

  static String podName(int i) {
    return String.format("storefront-%06d", i);
  }

  private static CompletableFuture<String> create(AkkubeChild server, byte[] body) {
    return server.create("/api/v1/namespaces/" + NAMESPACE + "/pods", body);
  }

  private static CompletableFuture<String> put(KV kv, String name, byte[] body) {
    ByteSequence key =
        ByteSequence.from("/registry/pods/" + NAMESPACE + "/" + name, StandardCharsets.UTF_8);
    return kv.put(key, ByteSequence.from(body)).thenApply(r -> null);
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
