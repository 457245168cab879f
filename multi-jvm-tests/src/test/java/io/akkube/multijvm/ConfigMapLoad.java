package io.akkube.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Light load for a rolling restart: one client that, a few times a second, creates a ConfigMap
 * ({@code cm-<n>}) or updates one it created ({@code data.v}, a number that only grows), through
 * whichever control-plane member answers. Records what was acknowledged and what was only tried.
 */
final class ConfigMapLoad implements AutoCloseable {

  private static final Duration PACE = Duration.ofMillis(250);

  private final List<ApiClient> members;
  private final String namespace;
  private final Thread thread;
  private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Set<Integer>> tried = new ConcurrentHashMap<>();
  private final AtomicInteger unanswered = new AtomicInteger();
  private volatile boolean stopped;
  private volatile Throwable failure;
  private int next;

  ConfigMapLoad(List<ApiClient> members, String namespace) {
    this.members = List.copyOf(members);
    this.namespace = namespace;
    this.thread = new Thread(this::run, "configmap-load");
    thread.setDaemon(true);
    thread.start();
  }

  /** name → the last value of {@code data.v} a write of which was acknowledged. */
  Map<String, Integer> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** name → every value of {@code data.v} written or tried (answered or not). */
  Map<String, Set<Integer>> tried() {
    return Map.copyOf(tried);
  }

  /** Requests that got no answer or a 5xx (the member was going away or the log moving). */
  int unanswered() {
    return unanswered.get();
  }

  private void run() {
    int member = 0;
    try {
      while (!stopped) {
        int value = next++;
        List<String> names = new ArrayList<>(acknowledged.keySet());
        boolean create = names.isEmpty() || value % 2 == 0;
        String name =
            create ? "cm-" + value : names.get(ThreadLocalRandom.current().nextInt(names.size()));
        tried.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(value);
        ApiClient api = members.get(member % members.size());
        try {
          HttpResponse<String> r =
              create
                  ? api.post(
                      "/api/v1/namespaces/" + namespace + "/configmaps",
                      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                          + name
                          + "\"},\"data\":{\"v\":\""
                          + value
                          + "\"}}")
                  : api.send(
                      "PATCH",
                      "/api/v1/namespaces/" + namespace + "/configmaps/" + name,
                      "application/merge-patch+json",
                      "{\"data\":{\"v\":\"" + value + "\"}}");
          if (r.statusCode() == 200 || r.statusCode() == 201) {
            acknowledged.put(name, value);
          } else if (r.statusCode() >= 500 || r.statusCode() == 429) {
            unanswered.incrementAndGet();
            member++;
          } else if (!(create && r.statusCode() == 409)) {
            throw new AssertionError(
                (create ? "create " : "update ") + name + " → " + r.statusCode() + " " + r.body());
          }
        } catch (IOException | UncheckedIOException e) {
          unanswered.incrementAndGet();
          member++; // this member is away: the next one
        }
        Thread.sleep(PACE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** Stops the load; fails if a write got an answer that is not 2xx, 409, 429 or 5xx. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(Duration.ofMinutes(1).toMillis());
    if (failure != null) {
      throw new AssertionError("configmap load failed", failure);
    }
  }
}
