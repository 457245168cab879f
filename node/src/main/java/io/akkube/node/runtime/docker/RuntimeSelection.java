package io.akkube.node.runtime.docker;

import com.typesafe.config.Config;
import io.akkube.node.runtime.ContainerRuntime;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which runtime a node uses ({@code akkube up --runtime}, config {@code akkube.node.runtime}):
 * {@code docker-api} needs an engine that answers, {@code process} never does, {@code auto} takes
 * the engine when one answers and the process runtime otherwise.
 */
public final class RuntimeSelection {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RuntimeSelection.class);

  private RuntimeSelection() {}

  /**
   * @param node config {@code akkube.node} ({@code runtime}, {@code pod-cidr}, {@code docker.*})
   * @param process the process runtime, made only when chosen
   */
  public static ContainerRuntime select(
      Config node,
      String nodeName,
      String nodeAddress,
      Supplier<ContainerRuntime> process,
      Clock clock) {
    String choice = node.hasPath("runtime") ? node.getString("runtime") : "process";
    Config docker = node.getConfig("docker");
    String podCidr = node.hasPath("pod-cidr") ? node.getString("pod-cidr") : "";
    switch (choice) {
      case "process" -> {
        return process(podCidr, process);
      }
      case "docker-api", "auto" -> {
        Optional<String> host = DockerApiRuntime.findEngine(docker.getString("host"));
        if (host.isEmpty()) {
          if (choice.equals("auto")) {
            log.info("no container engine answers: the process runtime runs this node's pods");
            return process(podCidr, process);
          }
          throw new IllegalStateException(
              "--runtime docker-api: no container engine answers (DOCKER_HOST, "
                  + "/var/run/docker.sock, /run/podman/podman.sock)");
        }
        return DockerApiRuntime.connect(
            new DockerApiRuntime.Settings(
                host.get(),
                nodeName,
                nodeAddress,
                podCidr(podCidr, nodeAddress),
                docker.getString("infra-image"),
                docker.getStringList("infra-command"),
                docker.getLong("ulimit-nofile"),
                docker.getLong("ulimit-nproc"),
                docker.getBoolean("init"),
                docker.getDuration("image-pull-backoff-initial"),
                docker.getDuration("image-pull-backoff-max")),
            clock);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown runtime \"" + choice + "\" (auto, docker-api or process)");
    }
  }

  /** The pod CIDR of a docker-api node: the one configured, or derived from its address. */
  private static Optional<PodCidr> podCidr(String configured, String nodeAddress) {
    Optional<PodCidr> cidr;
    try {
      cidr = PodCidr.forNode(configured, nodeAddress);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--pod-cidr: " + e.getMessage(), e);
    }
    if (cidr.isPresent()) {
      log.info("pods of this node get addresses from {}", cidr.get());
    } else {
      log.info(
          "node address {} is not on loopback and no pod CIDR is set: pods use the node address",
          nodeAddress);
    }
    return cidr;
  }

  private static ContainerRuntime process(String podCidr, Supplier<ContainerRuntime> process) {
    if (!podCidr.isBlank()) {
      log.warn("pod CIDR {} ignored: the process runtime runs pods on the node address", podCidr);
    }
    return process.get();
  }
}
