package io.akkube.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectLifecycle;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Registers this machine as a Node (as the kubelet does on start): capacity from the machine's CPUs
 * and memory, addresses, the well-known labels, a Ready condition, and the range of the pods'
 * addresses (spec.podCIDR) when the runtime gives pods addresses of their own.
 */
public final class NodeRegistration {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(NodeRegistration.class);

  private final ObjectStore store;
  private final String nodeName;
  private final String address;
  private final String runtimeVersion;
  private final Map<String, String> capacity;
  private final Map<String, String> labels;
  private final Optional<String> podCidr;

  public NodeRegistration(ObjectStore store, String nodeName, String address) {
    this(store, nodeName, address, "process://akkube");
  }

  /** {@code runtimeVersion} as status.nodeInfo.containerRuntimeVersion reports it. */
  public NodeRegistration(
      ObjectStore store, String nodeName, String address, String runtimeVersion) {
    this(store, nodeName, address, runtimeVersion, Map.of(), null);
  }

  /**
   * A node whose capacity is given rather than measured (hollow nodes): {@code capacity} (cpu,
   * memory, pods...) replaces the machine's when not empty; {@code labels}, when not null, are
   * added to the well-known ones instead of the control-plane role.
   */
  public NodeRegistration(
      ObjectStore store,
      String nodeName,
      String address,
      String runtimeVersion,
      Map<String, String> capacity,
      Map<String, String> labels) {
    this(store, nodeName, address, runtimeVersion, capacity, labels, Optional.empty());
  }

  private NodeRegistration(
      ObjectStore store,
      String nodeName,
      String address,
      String runtimeVersion,
      Map<String, String> capacity,
      Map<String, String> labels,
      Optional<String> podCidr) {
    this.store = store;
    this.nodeName = nodeName;
    this.address = address;
    this.runtimeVersion = runtimeVersion;
    this.capacity = Map.copyOf(capacity);
    this.labels = labels == null ? null : Map.copyOf(labels);
    this.podCidr = podCidr;
  }

  /**
   * This registration with spec.podCIDR and spec.podCIDRs set to {@code podCidr} when present. A
   * Node's podCIDR is set once (the API refuses to change it): a Node that has another keeps it.
   */
  public NodeRegistration withPodCidr(Optional<String> podCidr) {
    return new NodeRegistration(
        store, nodeName, address, runtimeVersion, capacity, labels, podCidr);
  }

  /**
   * Creates the Node if absent, then writes its status; a failed attempt (a timeout on a busy
   * member) is retried a few times, a second apart.
   */
  public CompletionStage<StoredObject> register(Instant now) {
    return registerWithRetries(now, REGISTRATION_ATTEMPTS);
  }

  private static final int REGISTRATION_ATTEMPTS = 5;

  private CompletionStage<StoredObject> registerWithRetries(Instant now, int attemptsLeft) {
    return registerOnce(now)
        .handle(
            (ok, failure) -> {
              if (failure == null) {
                return java.util.concurrent.CompletableFuture.completedFuture(ok);
              }
              if (attemptsLeft <= 1) {
                return java.util.concurrent.CompletableFuture.<StoredObject>failedFuture(failure);
              }
              return java.util.concurrent.CompletableFuture.supplyAsync(
                      () -> null,
                      java.util.concurrent.CompletableFuture.delayedExecutor(
                          1, java.util.concurrent.TimeUnit.SECONDS))
                  .thenCompose(x -> registerWithRetries(now, attemptsLeft - 1));
            })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<StoredObject> registerOnce(Instant now) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", nodeName);
    ObjectNode labels = meta.putObject("labels");
    labels.put("kubernetes.io/hostname", nodeName);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", arch());
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", arch());
    if (this.labels == null) {
      labels.put("node-role.kubernetes.io/control-plane", "");
    } else {
      this.labels.forEach(labels::put);
    }
    podCidr(node.putObject("spec"));
    return store
        .create(ResourceTypes.NODES, null, node, WriteOptions.DEFAULT)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof ApiException api && api.status().code() == 409) {
                return null;
              }
              throw new CompletionException(cause);
            })
        .thenCompose(created -> store.get(ResourceTypes.NODES, null, nodeName))
        .thenCompose(this::withSpecPodCidr)
        .thenCompose(
            current -> {
              ObjectNode withStatus = current.object().deepCopy();
              withStatus.set("status", status(now));
              return store.update(
                  ResourceTypes.NODES, null, nodeName, withStatus, "status", WriteOptions.DEFAULT);
            });
  }

  private void podCidr(ObjectNode spec) {
    podCidr.ifPresent(
        cidr -> {
          spec.put("podCIDR", cidr);
          spec.putArray("podCIDRs").add(cidr);
        });
  }

  /** The Node with our podCIDR: as it is when it has one, else updated to hold ours. */
  private CompletionStage<StoredObject> withSpecPodCidr(StoredObject current) {
    if (podCidr.isEmpty()) {
      return CompletableFuture.completedFuture(current);
    }
    String existing = Json.text(current.object().path("spec"), "podCIDR");
    if (existing.equals(podCidr.get())) {
      return CompletableFuture.completedFuture(current);
    }
    if (!existing.isEmpty()) {
      log.warn(
          "node {} keeps spec.podCIDR {} (set once); its pods get addresses from {}",
          nodeName,
          existing,
          podCidr.get());
      return CompletableFuture.completedFuture(current);
    }
    ObjectNode withCidr = current.object().deepCopy();
    podCidr(withCidr.get("spec") instanceof ObjectNode spec ? spec : withCidr.putObject("spec"));
    return store.update(ResourceTypes.NODES, null, nodeName, withCidr, null, WriteOptions.DEFAULT);
  }

  private ObjectNode status(Instant now) {
    ObjectNode status = Json.MAPPER.createObjectNode();
    int cpus = Runtime.getRuntime().availableProcessors();
    String memory = memTotal();
    ObjectNode capacity = status.putObject("capacity");
    if (this.capacity.isEmpty()) {
      capacity.put("cpu", Integer.toString(cpus));
      capacity.put("memory", memory);
      capacity.put("pods", "110");
      capacity.put("ephemeral-storage", diskKi());
    } else {
      new java.util.TreeMap<>(this.capacity).forEach(capacity::put);
    }
    status.set("allocatable", capacity.deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    String t = ObjectLifecycle.timestamp(now);
    for (var c :
        Map.of(
                "MemoryPressure",
                    new String[] {
                      "False",
                      "KubeletHasSufficientMemory",
                      "kubelet has sufficient memory available"
                    },
                "DiskPressure",
                    new String[] {
                      "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"
                    },
                "PIDPressure",
                    new String[] {
                      "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"
                    },
                "Ready", new String[] {"True", "KubeletReady", "kubelet is posting ready status"})
            .entrySet()
            .stream()
            .sorted(
                Map.Entry.comparingByKey(
                    (a, b) -> a.equals("Ready") ? 1 : b.equals("Ready") ? -1 : a.compareTo(b)))
            .toList()) {
      ObjectNode cond = conditions.addObject();
      cond.put("type", c.getKey());
      cond.put("status", c.getValue()[0]);
      cond.put("lastHeartbeatTime", t);
      cond.put("lastTransitionTime", t);
      cond.put("reason", c.getValue()[1]);
      cond.put("message", c.getValue()[2]);
    }
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", address);
    addresses.addObject().put("type", "Hostname").put("address", nodeName);
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    ObjectNode info = status.putObject("nodeInfo");
    info.put("machineID", readFirstLine(Path.of("/etc/machine-id")));
    info.put("systemUUID", readFirstLine(Path.of("/sys/class/dmi/id/product_uuid")));
    info.put("bootID", readFirstLine(Path.of("/proc/sys/kernel/random/boot_id")));
    info.put("kernelVersion", System.getProperty("os.version"));
    info.put("osImage", osImage());
    info.put("containerRuntimeVersion", runtimeVersion);
    info.put("kubeletVersion", "v1.32.0-akkube");
    info.put("kubeProxyVersion", "v1.32.0-akkube");
    info.put("operatingSystem", "linux");
    info.put("architecture", arch());
    return status;
  }

  private static String arch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> a;
    };
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return line.replaceAll("[^0-9]", "") + "Ki";
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return (Runtime.getRuntime().maxMemory() / 1024) + "Ki";
  }

  private static String diskKi() {
    try {
      return (Files.getFileStore(Path.of(".").toAbsolutePath()).getTotalSpace() / 1024) + "Ki";
    } catch (IOException e) {
      return "0";
    }
  }

  private static String osImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.name");
  }

  private static String readFirstLine(Path path) {
    try {
      return Files.readAllLines(path).stream().findFirst().orElse("").trim();
    } catch (IOException e) {
      return "";
    }
  }
}
