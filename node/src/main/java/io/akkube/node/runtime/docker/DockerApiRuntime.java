package io.akkube.node.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.akkube.node.runtime.ContainerRuntime;
import io.akkube.node.runtime.docker.ContainerSpecs.CommandOverride;
import io.akkube.node.runtime.docker.ContainerSpecs.Published;
import io.akkube.node.runtime.docker.ContainerSpecs.Security;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Containers run by a Docker Engine API (Docker, or Podman's compatible service) over its unix
 * socket, pods as container groups the way the dockershim ran them: one infra container per pod
 * holds the network namespace and publishes the pod's ports; the pod's containers join it ({@code
 * container:<infra>}), so they reach each other on localhost. The engine's restart policy stays
 * off: restarts and their back-off are the pod worker's. Containers carry the pod's labels, so an
 * agent that restarts adopts them and removes those of pods gone.
 *
 * <p>With a pod CIDR (docs/decisions/0013) each pod gets the lowest free loopback address of it,
 * recorded on its infra container, and its container ports are published there; hostPorts also on
 * the node address. Without one (a node address off loopback), a pod's address is the node's and
 * its container ports are published there, so they count as host ports.
 */
public final class DockerApiRuntime implements ContainerRuntime {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(DockerApiRuntime.class);

  /** How this node uses its engine. */
  public record Settings(
      String dockerHost,
      String nodeName,
      String nodeAddress,
      Optional<PodCidr> podCidr,
      String infraImage,
      List<String> infraCommand,
      long ulimitNofile,
      long ulimitNproc,
      boolean init,
      Duration pullBackoffInitial,
      Duration pullBackoffMax) {}

  private final DockerClient engine;
  private final Settings settings;
  private final String version;
  private final ImagePuller images;
  private final Clock clock;

  /** Sandboxes this agent prepared (so a start can bring back an infra container that ended). */
  private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();

  private final Map<String, CompletableFuture<ContainerExit>> completions =
      new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> logs = new ConcurrentHashMap<>();
  private final Map<String, ContainerHandle> known = new ConcurrentHashMap<>();

  /** Pods' own addresses by pod uid (from the pod CIDR; see {@link #podAddressOf}). */
  private final Map<String, String> podAddresses = new ConcurrentHashMap<>();

  /** Containers this agent sent a signal to (their 137 is not the OOM killer's). */
  private final java.util.Set<String> signalled = ConcurrentHashMap.newKeySet();

  private final Thread watcher;

  private DockerApiRuntime(DockerClient engine, Settings settings, String version, Clock clock) {
    this.engine = engine;
    this.settings = settings;
    this.version = version;
    this.clock = clock;
    this.images =
        new ImagePuller(engine, clock, settings.pullBackoffInitial(), settings.pullBackoffMax());
    // the addresses of pods an earlier agent started stay theirs (and are not handed out again)
    for (Container c : list(null)) {
      String address = c.getLabels().get(ContainerSpecs.POD_IP);
      if (isInfra(c) && address != null) {
        podAddresses.put(c.getLabels().getOrDefault(ContainerSpecs.POD_UID, ""), address);
      }
    }
    this.watcher = new Thread(this::watchExits, "docker-api-exits-" + settings.nodeName());
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Connects to the engine at {@code settings.dockerHost()}; fails if it does not answer. */
  public static DockerApiRuntime connect(Settings settings, Clock clock) {
    DockerClient client = client(settings.dockerHost());
    Version v = client.versionCmd().exec();
    boolean podman =
        v.getComponents() != null
            && v.getComponents().stream().anyMatch(c -> c.getName().contains("Podman"));
    String version = (podman ? "podman://" : "docker://") + v.getVersion();
    log.info("docker-api runtime on {}: {}", settings.dockerHost(), version);
    return new DockerApiRuntime(client, settings, version, clock);
  }

  static DockerClient client(String dockerHost) {
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(dockerHost)
            .withApiVersion("1.41")
            .build();
    var http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            .maxConnections(200)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /**
   * The engine socket this machine offers, if one answers: {@code DOCKER_HOST} (unix only), then
   * {@code /var/run/docker.sock}, then {@code /run/podman/podman.sock}.
   */
  public static Optional<String> findEngine(String configured) {
    List<String> candidates = new ArrayList<>();
    if (!configured.isBlank()) {
      candidates.add(configured);
    } else {
      String env = System.getenv("DOCKER_HOST");
      if (env != null && env.startsWith("unix://")) {
        candidates.add(env);
      }
      candidates.add("unix:///var/run/docker.sock");
      candidates.add("unix:///run/podman/podman.sock");
    }
    for (String host : candidates) {
      if (!Files.exists(Path.of(URI.create(host).getPath()))) {
        continue;
      }
      try {
        client(host).pingCmd().exec();
        return Optional.of(host);
      } catch (RuntimeException e) {
        log.info("container engine at {} does not answer: {}", host, e.toString());
      }
    }
    return Optional.empty();
  }

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String limitsNotEnforcedReason() {
    return "";
  }

  @Override
  public boolean containerPortsAreHostPorts() {
    // without pod addresses, ports are published on the node address: two pods cannot share one
    return settings.podCidr().isEmpty();
  }

  @Override
  public Optional<String> podCidr() {
    return settings.podCidr().map(PodCidr::toString);
  }

  @Override
  public Optional<String> podAddress(String podUid) {
    return Optional.ofNullable(podAddresses.get(podUid));
  }

  // ---- sandboxes ---------------------------------------------------------------------------

  @Override
  public void createSandbox(Sandbox sandbox) {
    try {
      Files.createDirectories(sandbox.podDir());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + sandbox.podDir() + ": " + e.getMessage());
    }
    sandboxes.put(sandbox.podUid(), sandbox);
    infra(sandbox);
  }

  /** The pod's running infra container: the one there, started again, or a new one. */
  private String infra(Sandbox sandbox) {
    Optional<Container> existing =
        list(sandbox.podUid()).stream().filter(DockerApiRuntime::isInfra).findFirst();
    if (existing.isPresent()) {
      Container c = existing.get();
      if ("running".equals(c.getState())) {
        return c.getId();
      }
      remove(sandbox.podUid(), true); // its members lost their network with it
    }
    JsonNode pod = sandbox.pod();
    Optional<String> address =
        ContainerSpecs.hostNetwork(pod) ? Optional.empty() : podAddressOf(sandbox.podUid());
    String image = settings.infraImage();
    try {
      engine.inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new StartFailure(
          "CreatePodSandboxError",
          "Failed to create pod sandbox: the infra image \"" + image + "\" is not on the node");
    }
    Map<String, String> labels =
        ContainerSpecs.labels(
            settings.nodeName(),
            sandbox.podUid(),
            sandbox.podName(),
            sandbox.namespace(),
            ContainerSpecs.INFRA,
            0);
    address.ifPresent(a -> labels.put(ContainerSpecs.POD_IP, a));
    CreateContainerCmd create =
        engine
            .createContainerCmd(image)
            .withName(
                ContainerSpecs.containerName(
                    ContainerSpecs.INFRA,
                    sandbox.podName(),
                    sandbox.namespace(),
                    sandbox.podUid(),
                    0))
            .withLabels(labels)
            .withEntrypoint(settings.infraCommand());
    HostConfig host = baseHostConfig();
    if (ContainerSpecs.hostNetwork(pod)) {
      host.withNetworkMode("host");
    } else {
      create.withHostName(sandbox.hostname());
      List<ExposedPort> exposed = new ArrayList<>();
      List<PortBinding> bindings = new ArrayList<>();
      for (Published p : ContainerSpecs.ports(pod, settings.nodeAddress(), address)) {
        ExposedPort port = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
        if (!exposed.contains(port)) {
          exposed.add(port);
        }
        bindings.add(new PortBinding(Ports.Binding.bindIpAndPort(p.hostIp(), p.hostPort()), port));
      }
      create.withExposedPorts(exposed);
      host.withPortBindings(bindings);
    }
    String id = create.withHostConfig(host).exec().getId();
    try {
      engine.startContainerCmd(id).exec();
    } catch (RuntimeException e) {
      forceRemove(id);
      podAddresses.remove(sandbox.podUid()); // the next try chooses again
      throw new StartFailure(
          "CreatePodSandboxError", "Failed to create pod sandbox: " + message(e));
    }
    return id;
  }

  /**
   * The pod's address: the one it holds, else the lowest of the pod CIDR that no pod of this node
   * holds, nor any container of the engine is labelled with (other nodes may share the engine), nor
   * the node has; empty without a pod CIDR.
   */
  private synchronized Optional<String> podAddressOf(String podUid) {
    if (settings.podCidr().isEmpty()) {
      return Optional.empty();
    }
    String held = podAddresses.get(podUid);
    if (held != null) {
      return Optional.of(held);
    }
    Set<String> taken = new HashSet<>(podAddresses.values());
    taken.add(settings.nodeAddress());
    for (Container c :
        engine
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(ContainerSpecs.POD_IP))
            .exec()) {
      taken.add(c.getLabels().get(ContainerSpecs.POD_IP));
    }
    PodCidr cidr = settings.podCidr().get();
    String address =
        cidr.lowestFree(taken)
            .orElseThrow(
                () ->
                    new StartFailure(
                        "CreatePodSandboxError",
                        "Failed to create pod sandbox: no free address left in the pod CIDR "
                            + cidr));
    podAddresses.put(podUid, address);
    return Optional.of(address);
  }

  @Override
  public void removeSandbox(String podUid) {
    Sandbox sandbox = sandboxes.remove(podUid);
    Optional<Path> podDir = Optional.ofNullable(sandbox).map(Sandbox::podDir);
    for (Container c : list(podUid)) {
      String logPath = c.getLabels().get(ContainerSpecs.LOG_PATH);
      if (podDir.isEmpty() && logPath != null) {
        // <podDir>/logs/<container>/<attempt>.log: an orphan found after an agent restart
        podDir = Optional.of(Path.of(logPath).getParent().getParent().getParent());
      }
    }
    remove(podUid, false);
    podAddresses.remove(podUid);
    images.forget(podUid);
    podDir.ifPresent(DockerApiRuntime::deleteQuietly);
  }

  /** Removes the pod's containers, members before the infra container they depend on. */
  private void remove(String podUid, boolean keepExitedMembers) {
    List<Container> all = list(podUid);
    for (Container c : all) {
      if (!isInfra(c) && !(keepExitedMembers && !"running".equals(c.getState()))) {
        forceRemove(c.getId());
      }
    }
    for (Container c : all) {
      if (isInfra(c)) {
        forceRemove(c.getId());
      }
    }
  }

  // ---- containers --------------------------------------------------------------------------

  @Override
  public ContainerHandle start(ContainerConfig config) {
    EngineSpec spec = config.engine();
    Sandbox sandbox = sandboxes.get(config.podUid());
    if (sandbox == null) {
      throw new IllegalStateException("no sandbox for pod " + config.podUid());
    }
    String image = images.ensure(config.podUid(), spec);
    String infra = infra(sandbox);
    String name =
        ContainerSpecs.containerName(
            config.containerName(),
            sandbox.podName(),
            sandbox.namespace(),
            config.podUid(),
            config.attempt());
    // a record of an earlier try with this name (a failed start) and attempts older than the
    // previous one (kept for `logs --previous` by their files, not by the engine) go
    for (Container c : list(config.podUid())) {
      Map<String, String> labels = c.getLabels();
      if (config.containerName().equals(labels.get(ContainerSpecs.CONTAINER_NAME))
          && attempt(c) >= 0
          && (attempt(c) == config.attempt() || attempt(c) < config.attempt() - 1)
          && !"running".equals(c.getState())) {
        forceRemove(c.getId());
      }
    }
    Map<String, String> labels =
        ContainerSpecs.labels(
            settings.nodeName(),
            config.podUid(),
            sandbox.podName(),
            sandbox.namespace(),
            config.containerName(),
            config.attempt());
    labels.put(ContainerSpecs.LOG_PATH, config.logFile().toAbsolutePath().toString());
    JsonNode container = spec.container();
    boolean tty = container.path("tty").asBoolean(false);
    boolean stdin = container.path("stdin").asBoolean(false);
    CreateContainerCmd create =
        engine
            .createContainerCmd(image)
            .withName(name)
            .withLabels(labels)
            .withEnv(ContainerSpecs.env(config.env()))
            .withTty(tty)
            .withStdinOpen(stdin)
            .withStdInOnce(container.path("stdinOnce").asBoolean(false));
    CommandOverride override = ContainerSpecs.commandOverride(spec.command(), spec.args());
    if (spec.container().isMissingNode()) {
      // a caller without an engine spec: the resolved command line is the whole story
      override = ContainerSpecs.commandOverride(config.command(), List.of());
    }
    override.entrypoint().ifPresent(create::withEntrypoint);
    override.cmd().ifPresent(create::withCmd);
    if (!config.workingDir().isEmpty()) {
      create.withWorkingDir(config.workingDir());
    }
    Security security = ContainerSpecs.security(spec.pod(), container);
    security.user().ifPresent(create::withUser);
    HostConfig host = baseHostConfig().withNetworkMode("container:" + infra);
    List<Bind> binds = new ArrayList<>();
    for (Mount m : config.mounts()) {
      binds.add(
          new Bind(
              m.hostPath().toAbsolutePath().toString(),
              new Volume(m.containerPath()),
              m.readOnly()
                  ? com.github.dockerjava.api.model.AccessMode.ro
                  : com.github.dockerjava.api.model.AccessMode.rw));
    }
    host.withBinds(binds);
    if (config.limits().memoryBytes() > 0) {
      host.withMemory(config.limits().memoryBytes()).withMemorySwap(config.limits().memoryBytes());
    }
    if (config.limits().cpuMillis() > 0) {
      host.withNanoCPUs(config.limits().cpuMillis() * 1_000_000L);
    }
    host.withPrivileged(security.privileged())
        .withReadonlyRootfs(security.readOnlyRootFilesystem());
    if (!security.capAdd().isEmpty()) {
      host.withCapAdd(capabilities(security.capAdd()));
    }
    if (!security.capDrop().isEmpty()) {
      host.withCapDrop(capabilities(security.capDrop()));
    }
    if (!security.groupAdd().isEmpty()) {
      host.withGroupAdd(security.groupAdd());
    }
    String id;
    try {
      id = create.withHostConfig(host).exec().getId();
    } catch (RuntimeException e) {
      throw new StartFailure("CreateContainerError", message(e));
    }
    try {
      engine.startContainerCmd(id).exec();
    } catch (RuntimeException e) {
      forceRemove(id);
      throw new IllegalStateException(message(e));
    }
    InspectContainerResponse inspect = engine.inspectContainerCmd(id).exec();
    ContainerHandle handle = handle(inspect);
    known.put(id, handle);
    logs.put(id, LogFollower.follow(engine, id, config.logFile()));
    return handle;
  }

  @Override
  public CompletionStage<ContainerExit> completion(ContainerHandle handle) {
    CompletableFuture<ContainerExit> done =
        completions.computeIfAbsent(handle.id(), id -> new CompletableFuture<>());
    synchronized (watcher) {
      watcher.notifyAll();
    }
    return done;
  }

  @Override
  public void signal(ContainerHandle handle, Signal signal) {
    if (handle.containerName().equals(ContainerSpecs.INFRA)) {
      return; // only with its pod (removeSandbox): its members share its network
    }
    signalled.add(handle.id());
    try {
      engine
          .killContainerCmd(handle.id())
          .withSignal(signal == Signal.TERM ? "TERM" : "KILL")
          .exec();
    } catch (NotFoundException | ConflictException | NotModifiedException e) {
      // not running any more
    } catch (RuntimeException e) {
      if (!message(e).contains("not running")) {
        log.info("signal {} to container {}: {}", signal, handle.id(), message(e));
      }
    }
  }

  @Override
  public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) {
    try {
      return EngineExec.run(engine, handle.id(), command, timeout);
    } catch (RuntimeException e) {
      return new ExecResult(-1, message(e), false);
    }
  }

  @Override
  public Optional<ExecProcess> startExec(
      ContainerHandle handle, List<String> command, boolean tty) {
    try {
      return Optional.of(EngineExec.start(engine, handle.id(), command, tty));
    } catch (NotFoundException | ConflictException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<ResourceUsage> stats(ContainerHandle handle) {
    return EngineStats.read(engine, handle.id(), clock.instant());
  }

  @Override
  public List<ContainerHandle> running() {
    List<ContainerHandle> out = new ArrayList<>();
    for (Container c : list(null)) {
      if ("running".equals(c.getState()) && !isInfra(c)) {
        out.add(handleOf(c));
      }
    }
    return out;
  }

  /**
   * Every container of this node, ended ones too, and infra containers (so pods with nothing but a
   * sandbox left are found as orphans); resumes copying the logs of those still writing.
   */
  @Override
  public List<ContainerHandle> containers() {
    List<ContainerHandle> out = new ArrayList<>();
    for (Container c : list(null)) {
      ContainerHandle h = handleOf(c);
      out.add(h);
      String logPath = c.getLabels().get(ContainerSpecs.LOG_PATH);
      if (!isInfra(c) && logPath != null && !logs.containsKey(c.getId())) {
        logs.put(c.getId(), LogFollower.follow(engine, c.getId(), Path.of(logPath)));
      }
    }
    return out;
  }

  // ---- exits -------------------------------------------------------------------------------

  /**
   * Completes the futures of containers that ended: one listing of the node's containers every half
   * second while any is awaited (cheaper than a wait request per container).
   */
  private void watchExits() {
    while (true) {
      try {
        synchronized (watcher) {
          if (completions.isEmpty()) {
            watcher.wait(1000);
          }
        }
        if (!completions.isEmpty()) {
          Map<String, Container> byId = new java.util.HashMap<>();
          list(null).forEach(c -> byId.put(c.getId(), c));
          for (String id : List.copyOf(completions.keySet())) {
            Container c = byId.get(id);
            if (c != null && !ended(c.getState())) {
              continue;
            }
            ContainerExit exit = exitOf(id);
            CompletableFuture<Void> copying = logs.remove(id);
            if (copying != null) {
              try {
                copying.get(3, TimeUnit.SECONDS);
              } catch (Exception e) {
                // the file has what came in time
              }
            }
            CompletableFuture<ContainerExit> done = completions.remove(id);
            if (done != null) {
              done.complete(exit);
            }
          }
        }
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.info("docker-api: watching exits: {}", message(e));
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static boolean ended(String state) {
    return state == null
        || state.equals("exited")
        || state.equals("dead")
        || state.equals("stopped")
        || state.equals("created")
        || state.equals("configured");
  }

  private ContainerExit exitOf(String id) {
    try {
      InspectContainerResponse inspect = engine.inspectContainerCmd(id).exec();
      InspectContainerResponse.ContainerState s = inspect.getState();
      Long code = s.getExitCodeLong();
      Long limit = inspect.getHostConfig() == null ? null : inspect.getHostConfig().getMemory();
      // Podman on cgroup v1 does not see the OOM killer (OOMKilled stays false): a SIGKILL
      // under a memory limit that nobody here sent is taken for it.
      boolean oom =
          Boolean.TRUE.equals(s.getOOMKilled())
              || (code != null
                  && code == 137
                  && limit != null
                  && limit > 0
                  && !signalled.remove(id));
      return new ContainerExit(
          code == null ? 137 : code.intValue(),
          oom,
          time(s.getFinishedAt()).orElse(clock.instant()));
    } catch (NotFoundException e) {
      return new ContainerExit(137, false, clock.instant());
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private HostConfig baseHostConfig() {
    return HostConfig.newHostConfig()
        .withRestartPolicy(RestartPolicy.noRestart())
        .withInit(settings.init() ? true : null)
        .withUlimits(
            List.of(
                new Ulimit("nofile", settings.ulimitNofile(), settings.ulimitNofile()),
                new Ulimit("nproc", settings.ulimitNproc(), settings.ulimitNproc())));
  }

  /** This node's containers, of one pod or all. */
  private List<Container> list(String podUid) {
    var cmd = engine.listContainersCmd().withShowAll(true);
    Map<String, String> filter = new java.util.HashMap<>();
    filter.put(ContainerSpecs.NODE, settings.nodeName());
    if (podUid != null) {
      filter.put(ContainerSpecs.POD_UID, podUid);
    }
    return cmd.withLabelFilter(filter).exec();
  }

  private ContainerHandle handleOf(Container c) {
    ContainerHandle h = known.get(c.getId());
    if (h != null) {
      return h;
    }
    try {
      h = handle(engine.inspectContainerCmd(c.getId()).exec());
    } catch (NotFoundException e) {
      Map<String, String> labels = c.getLabels();
      h =
          new ContainerHandle(
              c.getId(),
              labels.getOrDefault(ContainerSpecs.POD_UID, ""),
              labels.getOrDefault(ContainerSpecs.CONTAINER_NAME, ""),
              Math.max(0, attempt(c)),
              0,
              clock.instant());
    }
    known.put(c.getId(), h);
    return h;
  }

  private ContainerHandle handle(InspectContainerResponse inspect) {
    Map<String, String> labels = inspect.getConfig().getLabels();
    Long pid = inspect.getState().getPidLong();
    String attempt = labels.getOrDefault(ContainerSpecs.ATTEMPT, "0");
    return new ContainerHandle(
        inspect.getId(),
        labels.getOrDefault(ContainerSpecs.POD_UID, ""),
        labels.getOrDefault(ContainerSpecs.CONTAINER_NAME, ""),
        attempt.matches("\\d+") ? Integer.parseInt(attempt) : 0,
        pid == null ? 0 : pid,
        time(inspect.getState().getStartedAt()).orElse(clock.instant()));
  }

  private static int attempt(Container c) {
    String a = c.getLabels().getOrDefault(ContainerSpecs.ATTEMPT, "");
    return a.matches("\\d+") ? Integer.parseInt(a) : -1;
  }

  private static boolean isInfra(Container c) {
    return ContainerSpecs.INFRA.equals(c.getLabels().get(ContainerSpecs.CONTAINER_NAME));
  }

  private void forceRemove(String id) {
    try {
      engine.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      log.info("docker-api: removing container {}: {}", id, message(e));
    }
    known.remove(id);
    CompletableFuture<ContainerExit> done = completions.remove(id);
    if (done != null) {
      done.complete(new ContainerExit(137, false, clock.instant()));
    }
  }

  private static Capability[] capabilities(List<String> names) {
    List<Capability> out = new ArrayList<>();
    for (String n : names) {
      try {
        out.add(Capability.valueOf(n));
      } catch (IllegalArgumentException e) {
        throw new StartFailure("CreateContainerConfigError", "unknown capability \"" + n + "\"");
      }
    }
    return out.toArray(Capability[]::new);
  }

  private static Optional<Instant> time(String engineTime) {
    if (engineTime == null || engineTime.isEmpty() || engineTime.startsWith("0001-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.OffsetDateTime.parse(engineTime).toInstant());
    } catch (java.time.format.DateTimeParseException e) {
      try {
        // Podman: "2024-05-01 10:00:00.123456789 +0000 UTC"
        String[] p = engineTime.split(" ");
        return Optional.of(
            java.time.OffsetDateTime.parse(
                    p[0] + "T" + p[1] + p[2].substring(0, 3) + ":" + p[2].substring(3))
                .toInstant());
      } catch (RuntimeException e2) {
        return Optional.empty();
      }
    }
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    // the engine's JSON error body: {"message":"…"} / {"cause":…,"message":…}
    int i = m.indexOf("\"message\":\"");
    if (i >= 0) {
      int end = m.indexOf('"', i + 11);
      if (end > i) {
        return m.substring(i + 11, end);
      }
    }
    return m.strip();
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                  // best effort: the agent removes pod directories too
                }
              });
    } catch (java.io.IOException e) {
      // best effort
    }
  }
}
