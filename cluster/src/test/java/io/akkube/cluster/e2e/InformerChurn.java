package io.akkube.cluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fabric8 SharedIndexInformer on the pods of one namespace while several threads create, relabel
 * and delete pods through fabric8 as fast as the server answers.
 */
final class InformerChurn {

  enum Kind {
    ADD,
    UPDATE,
    DELETE
  }

  /** One handler call: which pod, at which resourceVersion. */
  record Seen(Kind kind, String name, long resourceVersion) {}

  record Outcome(
      int operationsDone,
      Map<String, String> informerStore,
      Map<String, String> serverList,
      Map<String, List<Seen>> seenByName) {}

  private static final int NAMES_PER_THREAD = 4;

  private final AkkubeProcess akkube;
  private final String namespace;

  InformerChurn(AkkubeProcess akkube, String namespace) {
    this.akkube = akkube;
    this.namespace = namespace;
  }

  Outcome run(int threads, int operations) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(akkube.kubeconfig()));
    config.setRequestTimeout(30_000);
    List<Seen> seen = new CopyOnWriteArrayList<>();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      SharedIndexInformer<Pod> informer =
          client.pods().inNamespace(namespace).inform(recorder(seen), 0);
      try {
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          int share = operations / threads + (t < operations % threads ? 1 : 0);
          futures.add(pool.submit(() -> churn(client, thread, share, done)));
        }
        pool.shutdown();
        for (Future<?> f : futures) {
          f.get(5, TimeUnit.MINUTES);
        }
        ApiHttp api = new ApiHttp(akkube);
        Map<String, String> serverList = new TreeMap<>();
        for (JsonNode item :
            api.getJson("/api/v1/namespaces/" + namespace + "/pods").path("items")) {
          serverList.put(
              item.path("metadata").path("name").asText(),
              item.path("metadata").path("resourceVersion").asText());
        }
        Await.until(
            Duration.ofSeconds(30),
            "the informer's store to equal the server's list " + serverList,
            () -> store(informer).equals(serverList));
        Map<String, List<Seen>> byName = new TreeMap<>();
        for (Seen s : seen) {
          byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
        }
        return new Outcome(done.get(), store(informer), serverList, byName);
      } finally {
        informer.close();
      }
    }
  }

  private static Map<String, String> store(SharedIndexInformer<Pod> informer) {
    Map<String, String> m = new TreeMap<>();
    for (Pod p : informer.getStore().list()) {
      m.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion());
    }
    return m;
  }

  private static ResourceEventHandler<Pod> recorder(List<Seen> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        seen.add(seen(Kind.ADD, pod));
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        seen.add(seen(Kind.UPDATE, newPod));
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        seen.add(seen(Kind.DELETE, pod));
      }
    };
  }

  private static Seen seen(Kind kind, Pod pod) {
    return new Seen(
        kind, pod.getMetadata().getName(), Long.parseLong(pod.getMetadata().getResourceVersion()));
  }

  /** Each thread owns a few pod names and randomly creates, relabels or deletes them. */
  private void churn(KubernetesClient client, int thread, int operations, AtomicInteger done) {
    Random random = new Random(thread);
    Map<String, Boolean> exists = new HashMap<>();
    for (int i = 0; i < operations; i++) {
      String name = "t" + thread + "-p" + random.nextInt(NAMES_PER_THREAD);
      var pods = client.pods().inNamespace(namespace);
      if (!exists.getOrDefault(name, false)) {
        pods.resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("nginx:1.17")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
        exists.put(name, true);
      } else if (random.nextBoolean()) {
        int step = i;
        pods.withName(name)
            .edit(
                p ->
                    new PodBuilder(p)
                        .editMetadata()
                        .addToLabels("step", Integer.toString(step))
                        .endMetadata()
                        .build());
      } else {
        pods.withName(name).withGracePeriod(0).delete();
        exists.put(name, false);
      }
      done.incrementAndGet();
    }
  }

  /** Per object: ADD first; after ADD or UPDATE comes UPDATE or DELETE; after DELETE, ADD. */
  static void assertLifecycleOrder(String name, List<Seen> events) {
    Kind previous = Kind.DELETE;
    for (Seen s : events) {
      boolean ok =
          switch (s.kind()) {
            case ADD -> previous == Kind.DELETE;
            case UPDATE, DELETE -> previous != Kind.DELETE;
          };
      assertThat(ok).as("%s after %s for %s in %s", s.kind(), previous, name, events).isTrue();
      previous = s.kind();
    }
  }
}
