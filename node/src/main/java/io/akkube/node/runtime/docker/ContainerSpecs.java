package io.akkube.node.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a pod's containers become engine containers, as pure functions: names and labels (the
 * dockershim's, so {@code docker ps} reads as it did under the kubelet), the Kubernetes rules for
 * command and args against the image's ENTRYPOINT and CMD, the effective securityContext, and the
 * ports the pod's infra container publishes (on the pod's address, hostPorts on the node's).
 */
final class ContainerSpecs {

  static final String POD_UID = "io.kubernetes.pod.uid";
  static final String POD_NAME = "io.kubernetes.pod.name";
  static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String CONTAINER_NAME = "io.kubernetes.container.name";
  static final String ATTEMPT = "io.kubernetes.container.restartCount";
  static final String NODE = "io.akkube.node";
  static final String LOG_PATH = "io.akkube.log-path";

  /** On a pod's infra container: the pod's address (kept by an agent that restarts). */
  static final String POD_IP = "io.akkube.pod-ip";

  /** The container name of a pod's infra container, as the dockershim labels it. */
  static final String INFRA = "POD";

  private ContainerSpecs() {}

  /** {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>} (infra: container {@code POD}). */
  static String containerName(
      String container, String pod, String namespace, String uid, int attempt) {
    return "k8s_" + container + "_" + pod + "_" + namespace + "_" + uid + "_" + attempt;
  }

  static Map<String, String> labels(
      String node, String uid, String pod, String namespace, String container, int attempt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NODE, node);
    labels.put(POD_UID, uid);
    labels.put(POD_NAME, pod);
    labels.put(POD_NAMESPACE, namespace);
    labels.put(CONTAINER_NAME, container);
    labels.put(ATTEMPT, Integer.toString(attempt));
    return labels;
  }

  /**
   * What replaces the image's ENTRYPOINT and CMD (empty: the image's stays): {@code command} given
   * replaces ENTRYPOINT and drops CMD for {@code args}; only {@code args} replaces CMD.
   */
  record CommandOverride(Optional<List<String>> entrypoint, Optional<List<String>> cmd) {}

  static CommandOverride commandOverride(List<String> command, List<String> args) {
    if (!command.isEmpty()) {
      return new CommandOverride(Optional.of(List.copyOf(command)), Optional.of(List.copyOf(args)));
    }
    if (!args.isEmpty()) {
      return new CommandOverride(Optional.empty(), Optional.of(List.copyOf(args)));
    }
    return new CommandOverride(Optional.empty(), Optional.empty());
  }

  /** {@code K=V}, sorted by name so the same spec makes the same container. */
  static List<String> env(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    new TreeMap<>(env).forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /** The securityContext in force: the container's fields over the pod's. */
  record Security(
      Optional<String> user,
      List<String> groupAdd,
      boolean privileged,
      List<String> capAdd,
      List<String> capDrop,
      boolean readOnlyRootFilesystem) {}

  static Security security(JsonNode pod, JsonNode container) {
    JsonNode ps = pod.path("spec").path("securityContext");
    JsonNode cs = container.path("securityContext");
    Optional<Long> uid = number(cs, "runAsUser").or(() -> number(ps, "runAsUser"));
    Optional<Long> gid = number(cs, "runAsGroup").or(() -> number(ps, "runAsGroup"));
    Optional<String> user =
        uid.map(u -> gid.map(g -> u + ":" + g).orElse(Long.toString(u)))
            .or(() -> gid.map(g -> "0:" + g));
    List<String> groups = new ArrayList<>();
    ps.path("supplementalGroups").forEach(g -> groups.add(g.asText()));
    if (ps.has("fsGroup")) {
      groups.add(ps.get("fsGroup").asText());
    }
    return new Security(
        user,
        groups,
        cs.path("privileged").asBoolean(false),
        capabilities(cs.path("capabilities").path("add")),
        capabilities(cs.path("capabilities").path("drop")),
        cs.path("readOnlyRootFilesystem").asBoolean(false));
  }

  private static Optional<Long> number(JsonNode n, String field) {
    return n.path(field).isNumber() ? Optional.of(n.get(field).asLong()) : Optional.empty();
  }

  /** {@code NET_ADMIN} / {@code CAP_NET_ADMIN} / {@code ALL} as the engine names them. */
  private static List<String> capabilities(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(c -> out.add(c.asText().toUpperCase().replaceFirst("^CAP_", "")));
    return out;
  }

  /** A port of the pod published on the node: {@code hostIp:hostPort -> containerPort/proto}. */
  record Published(String hostIp, int hostPort, int containerPort, String protocol) {}

  /**
   * Every declared container port of the pod (init containers too) as the engine publishes it. With
   * a pod address: on that address at the container port (the pod's own network, as Kubernetes
   * reaches podIP:containerPort), and a declared hostPort also on its hostIP, or the node address.
   * Without one (the pod's address is the node's): on the node address at its hostPort, or at the
   * same number when it has none.
   */
  static List<Published> ports(JsonNode pod, String nodeAddress, Optional<String> podAddress) {
    List<Published> out = new ArrayList<>();
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        for (JsonNode p : c.path("ports")) {
          int containerPort = p.path("containerPort").asInt(0);
          if (containerPort <= 0) {
            continue;
          }
          int hostPort = p.path("hostPort").asInt(0);
          String hostIp = p.path("hostIP").asText("");
          String protocol = p.path("protocol").asText("TCP").toLowerCase();
          String onNode = hostIp.isEmpty() ? nodeAddress : hostIp;
          if (podAddress.isPresent()) {
            add(out, new Published(podAddress.get(), containerPort, containerPort, protocol));
            if (hostPort > 0) {
              add(out, new Published(onNode, hostPort, containerPort, protocol));
            }
          } else {
            add(
                out,
                new Published(
                    onNode, hostPort > 0 ? hostPort : containerPort, containerPort, protocol));
          }
        }
      }
    }
    return out;
  }

  /** Adds {@code pub} unless its address, port and protocol are published already. */
  private static void add(List<Published> out, Published pub) {
    if (out.stream()
        .noneMatch(
            o ->
                o.hostPort() == pub.hostPort()
                    && o.protocol().equals(pub.protocol())
                    && o.hostIp().equals(pub.hostIp()))) {
      out.add(pub);
    }
  }

  static boolean hostNetwork(JsonNode pod) {
    return pod.path("spec").path("hostNetwork").asBoolean(false);
  }
}
