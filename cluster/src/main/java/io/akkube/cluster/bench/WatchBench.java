package io.akkube.cluster.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code akkube bench watch}: W chunked watch streams on the pods of a namespace while pods are
 * created at a fixed rate R for D seconds. Each pod carries its send time in an annotation; each
 * watcher counts the ADDED events it receives and the delay from send to receipt.
 */
final class WatchBench {

  static final String NAMESPACE = "bench";
  static final String SENT = "bench.akkube.io/sent-nanos";
  private static final String SENT_FIELD = "\"" + SENT + "\":\"";

  record Settings(
      int watchers,
      int rate,
      int durationSeconds,
      int maxInFlight,
      Duration timeout,
      List<String> serverJvmOptions,
      Path workDir) {}

  private final Settings s;

  WatchBench(Settings settings) {
    this.s = settings;
  }

  /** One watch stream: counts ADDED events of bench pods, records their delivery latency. */
  private static final class Watcher implements Flow.Subscriber<String> {
    final AtomicInteger added = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicBoolean opened = new AtomicBoolean();
    volatile String error;
    final CountDownLatch subscribed;
    final Latencies latencies;

    Watcher(CountDownLatch subscribed, Latencies latencies) {
      this.subscribed = subscribed;
      this.latencies = latencies;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
      if (opened.compareAndSet(false, true)) {
        subscribed.countDown();
      }
    }

    @Override
    public void onNext(String line) {
      long now = System.nanoTime();
      if (!line.startsWith("{\"type\":\"ADDED\"")) {
        return;
      }
      int at = line.indexOf(SENT_FIELD);
      if (at < 0) {
        return;
      }
      int from = at + SENT_FIELD.length();
      long sent = Long.parseLong(line, from, line.indexOf('"', from), 10);
      latencies.record(now - sent);
      added.incrementAndGet();
    }

    @Override
    public void onError(Throwable throwable) {
      closed.set(true);
    }

    @Override
    public void onComplete() {
      closed.set(true);
    }
  }

  BenchResult run() throws Exception {
    long deadline = System.nanoTime() + s.timeout().toNanos();
    int total = s.rate() * s.durationSeconds();
    BenchResult result =
        new BenchResult("watch", List.of("akkube"))
            .param("watchers", s.watchers())
            .param("ratePerSecond", s.rate())
            .param("durationSeconds", s.durationSeconds())
            .param("pods", total)
            .param("serverJvmOptions", String.join(" ", s.serverJvmOptions()));
    try (AkkubeChild server =
        AkkubeChild.start(s.workDir().resolve("akkube"), s.serverJvmOptions(), 0)) {
      server.awaitReady(Duration.ofSeconds(120));
      server.createNamespace(NAMESPACE);
      String revision =
          server
              .getJson("/api/v1/namespaces/" + NAMESPACE + "/pods?limit=1")
              .path("metadata")
              .path("resourceVersion")
              .asText();
      Latencies delivery = new Latencies(Math.max(1, s.watchers() * total));
      CountDownLatch subscribed = new CountDownLatch(s.watchers());
      List<Watcher> watchers = new ArrayList<>();
      HttpClient watchClient = server.newClient();
      String watchPath =
          "/api/v1/namespaces/"
              + NAMESPACE
              + "/pods?watch=true&resourceVersion="
              + revision
              + "&timeoutSeconds="
              + (s.timeout().toSeconds() + 60);
      for (int i = 0; i < s.watchers(); i++) {
        Watcher w = new Watcher(subscribed, delivery);
        watchers.add(w);
        open(server, watchClient, watchPath, w, 1);
      }
      if (!subscribed.await(120, TimeUnit.SECONDS)) {
        result.incomplete(
            "only " + (s.watchers() - subscribed.getCount()) + " watches opened within 120 s");
      }
      System.out.printf(
          "%d watches open; creating %d pods at %d/s, load %s%n",
          s.watchers(), total, s.rate(), Machine.loadAverage());

      Latencies createLatency = new Latencies(Math.max(1, total));
      AtomicInteger created = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<String> firstCreateError =
          new java.util.concurrent.atomic.AtomicReference<>();
      Semaphore inFlight = new Semaphore(s.maxInFlight());
      long start = System.nanoTime();
      long interval = 1_000_000_000L / Math.max(1, s.rate());
      int sent = 0;
      for (; sent < total && System.nanoTime() < deadline; sent++) {
        long due = start + sent * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        inFlight.acquire();
        long now = System.nanoTime();
        byte[] body =
            PodBodies.pod(
                    String.format("watched-%06d", sent),
                    NAMESPACE,
                    "\"" + SENT + "\":\"" + now + "\",",
                    PodBodies.UNSCHEDULED)
                .getBytes(StandardCharsets.UTF_8);
        CompletableFuture<String> answer =
            server.create("/api/v1/namespaces/" + NAMESPACE + "/pods", body);
        answer.whenComplete(
            (error, f) -> {
              if (error == null && f == null) {
                createLatency.record(System.nanoTime() - now);
                created.incrementAndGet();
              } else {
                failed.incrementAndGet();
                firstCreateError.compareAndSet(null, f != null ? f.toString() : error);
              }
              inFlight.release();
            });
      }
      inFlight.acquire(s.maxInFlight());
      double writeSeconds = (System.nanoTime() - start) / 1e9;
      long drainUntil = Math.min(deadline, System.nanoTime() + Duration.ofSeconds(30).toNanos());
      while (System.nanoTime() < drainUntil && !allReceived(watchers, created.get())) {
        Thread.sleep(50);
      }
      long lost = 0;
      int closed = 0;
      int neverOpened = 0;
      String watchError = null;
      for (Watcher w : watchers) {
        if (!w.opened.get()) {
          neverOpened++;
          watchError = watchError == null ? w.error : watchError;
          continue;
        }
        lost += Math.max(0, created.get() - w.added.get());
        closed += w.closed.get() ? 1 : 0;
      }
      Latencies.Summary d = delivery.summary();
      Latencies.Summary c = createLatency.summary();
      result
          .row("pods created", "", "created", (double) created.get())
          .row("create failures", "", "createFailed", (double) failed.get())
          .row("achieved write rate", "per s", "writeRate", created.get() / writeSeconds)
          .row("create latency p50", "ms", "createP50Ms", c.p50())
          .row("create latency p99", "ms", "createP99Ms", c.p99())
          .row("events delivered", "", "delivered", (double) d.count())
          .row("delivery latency p50", "ms", "deliveryP50Ms", d.p50())
          .row("delivery latency p90", "ms", "deliveryP90Ms", d.p90())
          .row("delivery latency p99", "ms", "deliveryP99Ms", d.p99())
          .row("delivery latency max", "ms", "deliveryMaxMs", d.max())
          .row("events lost (open streams)", "", "lost", (double) lost)
          .row("streams closed early", "", "closedStreams", (double) closed)
          .row("watches that never opened", "", "neverOpened", (double) neverOpened)
          .put("loadAverageAtEnd", Machine.loadAverage());
      if (sent < total) {
        result.incomplete("sent " + sent + " of " + total + " pods before the deadline");
      }
      if (lost > 0) {
        result.note(lost + " events lost (counted per open watch against the pods created)");
      }
      if (neverOpened > 0) {
        result.incomplete(neverOpened + " watches never opened: " + watchError);
      }
      if (firstCreateError.get() != null) {
        result.note("first create failure: " + ApiCreateBench.abbreviate(firstCreateError.get()));
      }
    }
    return result;
  }

  /**
   * Opens {@code w}'s stream from the list's revision; a failed open (connect or TLS handshake
   * timing out on a loaded machine) is retried from the same revision, as client-go would, so no
   * event is skipped.
   */
  private static void open(
      AkkubeChild server, HttpClient client, String path, Watcher w, int attempt) {
    client
        .sendAsync(server.request(path).build(), HttpResponse.BodyHandlers.fromLineSubscriber(w))
        .whenComplete(
            (r, f) -> {
              if (f == null) {
                return;
              }
              if (w.opened.get()) {
                w.closed.set(true);
              } else if (attempt < 5) {
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)
                    .execute(() -> open(server, client, path, w, attempt + 1));
              } else {
                w.error = f.toString();
                w.closed.set(true);
              }
            });
  }

  private static boolean allReceived(List<Watcher> watchers, int created) {
    for (Watcher w : watchers) {
      if (w.added.get() < created && !w.closed.get()) {
        return false;
      }
    }
    return true;
  }
}
