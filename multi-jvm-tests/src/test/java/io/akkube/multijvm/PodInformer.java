package io.akkube.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What client-go's reflector does for the pods of one namespace: list, then watch from the list's
 * resourceVersion; a watch that ends is resumed from the last version seen; a 410 Gone (HTTP status
 * or ERROR event) makes it list again. A member that cannot be reached is left for the next one.
 * Keeps name → resourceVersion of every pod it knows.
 */
final class PodInformer implements AutoCloseable {

  private final List<ApiClient> members;
  private final String namespace;
  private final Map<String, String> store = new ConcurrentHashMap<>();
  private final AtomicInteger gone = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Stream<String> open;

  /**
   * @param members the members to ask, in order of preference
   */
  PodInformer(String name, List<ApiClient> members, String namespace) {
    this.members = List.copyOf(members);
    this.namespace = namespace;
    this.thread = new Thread(this::run, "informer-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** name → resourceVersion of the pods this informer holds. */
  Map<String, String> store() {
    return new TreeMap<>(store);
  }

  /** How many 410 Gone answers it got (each followed by a new list). */
  int goneCount() {
    return gone.get();
  }

  int listCount() {
    return lists.get();
  }

  private void run() {
    int member = 0;
    String resourceVersion = null;
    String path = "/api/v1/namespaces/" + namespace + "/pods";
    while (!closed) {
      ApiClient api = members.get(member % members.size());
      try {
        if (resourceVersion == null) {
          HttpResponse<String> list = api.get(path);
          if (list.statusCode() != 200) {
            pause();
            continue;
          }
          JsonNode body = ApiClient.parse(list.body());
          Map<String, String> listed = new TreeMap<>();
          for (JsonNode pod : body.path("items")) {
            listed.put(
                pod.path("metadata").path("name").asText(),
                pod.path("metadata").path("resourceVersion").asText());
          }
          store.keySet().retainAll(listed.keySet());
          store.putAll(listed);
          lists.incrementAndGet();
          resourceVersion = body.path("metadata").path("resourceVersion").asText();
        }
        HttpResponse<Stream<String>> watch =
            api.watch(
                path
                    + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=60&resourceVersion="
                    + resourceVersion);
        if (watch.statusCode() == 410) {
          watch.body().close();
          gone.incrementAndGet();
          resourceVersion = null;
          continue;
        }
        if (watch.statusCode() != 200) {
          watch.body().close();
          pause();
          continue;
        }
        resourceVersion = follow(watch.body(), resourceVersion);
      } catch (IOException | UncheckedIOException e) {
        member++; // this member cannot be reached: the next one
        pause();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Applies the watch's events; the version to resume from, or null to list again. */
  private String follow(Stream<String> lines, String from) {
    open = lines;
    String resourceVersion = from;
    try (lines) {
      for (Iterator<String> it = lines.iterator(); it.hasNext() && !closed; ) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = ApiClient.parse(line);
        JsonNode object = event.path("object");
        String type = event.path("type").asText();
        if (type.equals("ERROR")) {
          if (object.path("code").asInt() == 410) {
            gone.incrementAndGet();
          }
          return null;
        }
        String name = object.path("metadata").path("name").asText();
        resourceVersion = object.path("metadata").path("resourceVersion").asText();
        switch (type) {
          case "ADDED", "MODIFIED" -> store.put(name, resourceVersion);
          case "DELETED" -> store.remove(name);
          default -> {} // BOOKMARK
        }
      }
    }
    return resourceVersion;
  }

  private void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Stream<String> lines = open;
    if (lines != null) {
      lines.close();
    }
    thread.interrupt();
  }
}
