package io.akkube.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the node agent needs from whatever runs containers (a small CRI): a sandbox per pod,
 * containers started from a fully resolved configuration, signals to a container's whole process
 * tree, its completion, exec inside it, and the list of what runs (to adopt it after an agent
 * restart). Calls may block (they run on the agent's blocking dispatcher); completions do not.
 */
public interface ContainerRuntime {

  /** {@code process}, {@code fake}, … */
  String name();

  /**
   * As the Node reports it in status.nodeInfo.containerRuntimeVersion, e.g. {@code process://…}.
   */
  String version();

  /**
   * Why resource limits are not enforced on this host, or empty when they are (the agent turns it
   * into a Warning event on pods that declare limits).
   */
  String limitsNotEnforcedReason();

  /**
   * Whether pods share the node's network, so that every declared container port is bound on the
   * node and reserved like a hostPort.
   */
  default boolean containerPortsAreHostPorts() {
    return false;
  }

  /**
   * The range this runtime gives pods their own addresses from (the Node's spec.podCIDR), or empty
   * when pods are reached at the node's address.
   */
  default Optional<String> podCidr() {
    return Optional.empty();
  }

  /**
   * The pod's own address once its sandbox has one (status.podIP); empty when the pod is reached at
   * the node's address (host network, no pod CIDR, or a sandbox made before it had one).
   */
  default Optional<String> podAddress(String podUid) {
    return Optional.empty();
  }

  /** Prepares the pod's directory; idempotent. */
  void createSandbox(Sandbox sandbox);

  /** Kills whatever still runs for the pod and removes its sandbox (emptyDirs with it). */
  void removeSandbox(String podUid);

  /**
   * Starts a container; throws {@link RuntimeException} with a user-readable message on failure.
   */
  ContainerHandle start(ContainerConfig config);

  /** Completes once the container's process tree is gone. */
  CompletionStage<ContainerExit> completion(ContainerHandle handle);

  /** TERM or KILL to every process of the container. */
  void signal(ContainerHandle handle, Signal signal);

  /** Runs {@code command} in the container's namespaces and environment (probes, hooks, exec). */
  ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout);

  /** Containers this runtime knows to be alive (including ones started by an earlier agent). */
  List<ContainerHandle> running();

  /**
   * Starts {@code command} in the container's namespaces and environment with pipes to the caller
   * ({@code kubectl exec}); with {@code tty} on a pseudo-terminal, whose output then carries stderr
   * too. Empty when the container does not run or this runtime cannot.
   */
  default Optional<ExecProcess> startExec(
      ContainerHandle handle, List<String> command, boolean tty) {
    return Optional.empty();
  }

  /**
   * Every container this runtime holds a record of, alive or ended (an agent that restarts adopts
   * the live ones and learns from {@link #completion} how the others ended while it was down).
   */
  default List<ContainerHandle> containers() {
    return running();
  }

  /**
   * The container's CPU and memory use now, for the node's stats summary ({@code kubectl top});
   * empty when the container has ended or this runtime cannot tell (the fake runtime).
   */
  default Optional<ResourceUsage> stats(ContainerHandle handle) {
    return Optional.empty();
  }

  enum Signal {
    TERM,
    KILL
  }

  /**
   * One pod's sandbox: its directory holds volumes, logs and the runtime's records; {@code pod} is
   * the pod as the API has it (an engine publishes its ports and honours hostNetwork).
   */
  record Sandbox(
      String podUid, String namespace, String podName, String hostname, Path podDir, JsonNode pod) {
    public Sandbox(String podUid, String namespace, String podName, String hostname, Path podDir) {
      this(podUid, namespace, podName, hostname, podDir, MissingNode.getInstance());
    }
  }

  /** A volume visible at {@code containerPath} (a file or a directory on the host). */
  record Mount(Path hostPath, String containerPath, boolean readOnly) {}

  /** Resolved limits: 0 means none. */
  record Limits(long memoryBytes, long cpuMillis) {
    public static final Limits NONE = new Limits(0, 0);
  }

  /** Everything already resolved by the pod worker: $(VAR) expanded, env merged, paths made. */
  record ContainerConfig(
      String podUid,
      String containerName,
      int attempt,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      List<Mount> mounts,
      Limits limits,
      Path logFile,
      String hostname,
      EngineSpec engine) {
    public ContainerConfig {
      command = List.copyOf(command);
      env = Map.copyOf(env);
      mounts = List.copyOf(mounts);
    }

    public ContainerConfig(
        String podUid,
        String containerName,
        int attempt,
        List<String> command,
        Map<String, String> env,
        String workingDir,
        List<Mount> mounts,
        Limits limits,
        Path logFile,
        String hostname) {
      this(
          podUid,
          containerName,
          attempt,
          command,
          env,
          workingDir,
          mounts,
          limits,
          logFile,
          hostname,
          EngineSpec.NONE);
    }
  }

  /**
   * What a runtime that runs images needs beyond {@link ContainerConfig} (the process and fake
   * runtimes ignore it): the container's spec and its pod's (image, imagePullPolicy,
   * securityContext, tty…), its command and args apart and $(VAR)-expanded (they override the
   * image's ENTRYPOINT and CMD by the Kubernetes rules), the pod's imagePullSecrets as Secret
   * objects, and where image events (Pulling, Pulled, BackOff…) go.
   */
  record EngineSpec(
      JsonNode pod,
      JsonNode container,
      List<String> command,
      List<String> args,
      List<JsonNode> pullSecrets,
      ContainerEvents events) {
    public static final EngineSpec NONE =
        new EngineSpec(
            MissingNode.getInstance(),
            MissingNode.getInstance(),
            List.of(),
            List.of(),
            List.of(),
            ContainerEvents.NONE);

    public EngineSpec {
      command = List.copyOf(command);
      args = List.copyOf(args);
      pullSecrets = List.copyOf(pullSecrets);
    }
  }

  /** Events a runtime records on the container being started (type Normal or Warning). */
  interface ContainerEvents {
    ContainerEvents NONE = (type, reason, message) -> {};

    void record(String type, String reason, String message);
  }

  /**
   * A start that failed for a reason the container's waiting state reports as such ({@code
   * ErrImagePull}, {@code ImagePullBackOff}, {@code ErrImageNeverPull}, {@code InvalidImageName}…)
   * instead of {@code RunContainerError}.
   */
  final class StartFailure extends RuntimeException {
    private final String reason;

    public StartFailure(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** A started container; {@code id} is stable across agent restarts. */
  record ContainerHandle(
      String id, String podUid, String containerName, int attempt, long pid, Instant startedAt) {
    /** containerID as status reports it. */
    public String containerId(String runtimeName) {
      return runtimeName + "://" + id;
    }
  }

  /**
   * One reading of a container's use at {@code time}: CPU time consumed since it started (all
   * cores, nanoseconds), memory in use and its working set (in use minus what the kernel can drop
   * at once, the inactive file cache), in bytes.
   */
  record ResourceUsage(
      Instant time, long cpuCoreNanoSeconds, long memoryUsageBytes, long memoryWorkingSetBytes) {}

  /** How a container ended: exit code (128+n after signal n), and whether memory ran out. */
  record ContainerExit(int exitCode, boolean oomKilled, Instant finishedAt) {}

  /** An exec's exit code and combined output (truncated). */
  record ExecResult(int exitCode, String output, boolean timedOut) {}

  /** A started interactive exec: its process (streams, exit) and its terminal, if any. */
  record ExecProcess(Process process, TerminalSize terminal) {}

  /** Resizes an exec's terminal. */
  interface TerminalSize {
    TerminalSize NONE = (width, height) -> {};

    void set(int width, int height);
  }
}
