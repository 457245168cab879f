package io.akkube.node.runtime.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.node.runtime.ContainerRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers as host processes. Each container runs under a small {@code sh} wrapper that waits for
 * the command and writes its exit code to a file, so an agent that restarts finds out how a
 * container ended, and adopts the ones still alive (same pid, same start time). As root, the
 * wrapper runs as PID 1 of its own mount, PID and UTS namespaces ({@code unshare}): a private tmpfs
 * on /tmp, every volume bind-mounted at its mountPath, the pod name as host name. Memory and CPU
 * limits go into a cgroup (v1 or v2) when the host lets us create one.
 */
public final class ProcessRuntime implements ContainerRuntime {

  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final String VERSION = "0.1.0";
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final int MAX_EXEC_OUTPUT = 16 * 1024;

  private final Path stateDir;
  private final long logMaxBytes;
  private final boolean isolate;
  private final Cgroups cgroups;
  private final Map<String, Record> records = new ConcurrentHashMap<>();
  private final Map<String, Boolean> killed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService rotation;

  /**
   * @param stateDir where container records live (must not be under /tmp when isolating: the
   *     private /tmp would hide it)
   * @param logMaxBytes a container log larger than this is rotated to {@code <file>.1}
   * @param isolate use namespaces when the host allows (root + unshare)
   */
  public ProcessRuntime(Path stateDir, long logMaxBytes, boolean isolate) {
    this.stateDir = stateDir.toAbsolutePath();
    this.logMaxBytes = logMaxBytes;
    try {
      Files.createDirectories(this.stateDir.resolve("containers"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.isolate = isolate && canIsolate(this.stateDir);
    this.cgroups = Cgroups.detect();
    loadRecords();
    this.rotation =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "process-runtime-log-rotation");
              t.setDaemon(true);
              return t;
            });
    rotation.scheduleWithFixedDelay(this::rotateLogs, 5, 5, TimeUnit.SECONDS);
    log.info(
        "process runtime: state {}, isolation {}, limits {}",
        this.stateDir,
        this.isolate ? "unshare (mount+pid+uts)" : "none",
        cgroups.enforced() ? cgroups.description() : "not enforced: " + cgroups.reason());
  }

  /**
   * Inside an isolated pod, where the wrapper keeps what it needs of the host (its container's
   * record dir, every volume's source) before /tmp and the volumes are mounted over the host's
   * paths: a volume mounted above the node's state dir, or a state dir under /tmp, hides nothing. A
   * private tmpfs is mounted here in each pod's namespace; on the host it stays an empty dir.
   */
  private static final Path STAGE = Path.of("/run/akkube/stage");

  private static final String STAGED_CONTAINER_DIR = STAGE.resolve("container").toString();

  private static boolean canIsolate(Path stateDir) {
    if (!"root".equals(System.getProperty("user.name"))) {
      log.warn("process runtime: not root, pods share the host's /tmp and mounts");
      return false;
    }
    try {
      Files.createDirectories(STAGE);
    } catch (IOException e) {
      log.warn("process runtime: cannot create {}; pods share the host's /tmp", STAGE);
      return false;
    }
    try {
      Process p =
          new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--uts", "true")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean isolates() {
    return isolate;
  }

  @Override
  public String name() {
    return "process";
  }

  @Override
  public String version() {
    return "process://akkube-" + VERSION;
  }

  @Override
  public String limitsNotEnforcedReason() {
    return cgroups.enforced() ? "" : cgroups.reason();
  }

  @Override
  public boolean containerPortsAreHostPorts() {
    // Pods use the host network and keep the node's address (no pod CIDR here): a process binds
    // where its command says, often 0.0.0.0, which a loopback address of its own would not keep
    // apart from the other pods' (docs/decisions/0013).
    return true;
  }

  @Override
  public void createSandbox(Sandbox sandbox) {
    try {
      Files.createDirectories(sandbox.podDir());
      Files.writeString(sandbox.podDir().resolve("hostname"), sandbox.hostname() + "\n");
      Path sandboxes = stateDir.resolve("sandboxes");
      Files.createDirectories(sandboxes);
      Files.writeString(sandboxes.resolve(sandbox.podUid()), sandbox.podDir().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void removeSandbox(String podUid) {
    for (Record r : List.copyOf(records.values())) {
      if (r.handle.podUid().equals(podUid)) {
        signal(r.handle, Signal.KILL);
        forget(r);
      }
    }
    Path marker = stateDir.resolve("sandboxes").resolve(podUid);
    try {
      if (Files.exists(marker)) {
        Path podDir = Path.of(Files.readString(marker).trim());
        deleteTree(podDir);
        Files.deleteIfExists(marker);
      }
    } catch (IOException e) {
      log.warn("could not remove the sandbox of pod {}: {}", podUid, e.toString());
    }
  }

  @Override
  public ContainerHandle start(ContainerConfig config) {
    String id = UUID.randomUUID().toString().replace("-", "");
    Path dir = stateDir.resolve("containers").resolve(id);
    try {
      Files.createDirectories(dir);
      Files.createDirectories(config.logFile().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path exitFile = dir.resolve("exit-code");
    Optional<List<Path>> cgroupDirs = cgroups.create(id, config.limits());
    StringBuilder script = new StringBuilder();
    cgroupDirs.ifPresent(
        dirs ->
            dirs.forEach(d -> script.append("echo $$ > '").append(d).append("/cgroup.procs'\n")));
    if (isolate) {
      // 1. everything needed from the host goes into this namespace's private staging tmpfs
      script
          .append("mount -t tmpfs -o mode=0700 tmpfs ")
          .append(STAGE)
          .append(" || exit 126\n")
          .append("mkdir ")
          .append(STAGED_CONTAINER_DIR)
          .append(" && mount --bind ")
          .append(quote(dir.toString()))
          .append(' ')
          .append(STAGED_CONTAINER_DIR)
          .append(" || exit 126\n");
      List<Mount> mounts = config.mounts();
      for (int i = 0; i < mounts.size(); i++) {
        Mount m = mounts.get(i);
        String staged = STAGE.resolve("volume-" + i).toString();
        script
            .append(Files.isDirectory(m.hostPath()) ? "mkdir " : "touch ")
            .append(staged)
            .append(" && mount --bind ")
            .append(quote(m.hostPath().toString()))
            .append(' ')
            .append(staged)
            .append(" || exit 126\n");
      }
      script.append("hostname ").append(quote(config.hostname())).append(" 2>/dev/null\n");
      // /etc/hostname shows the pod's host name, as the kubelet's mount of it does
      Path hostnameFile = stateDir.resolve("sandboxes").resolve(config.podUid());
      try {
        if (Files.exists(hostnameFile)) {
          hostnameFile = Path.of(Files.readString(hostnameFile).trim()).resolve("hostname");
          script
              .append("mount --bind ")
              .append(quote(hostnameFile.toString()))
              .append(" /etc/hostname 2>/dev/null\n");
        }
      } catch (IOException e) {
        log.debug("no hostname file for pod {}: {}", config.podUid(), e.toString());
      }
      // 2. a private /tmp, then each volume at its mountPath from its staged copy
      script.append("mount -t tmpfs -o mode=1777 tmpfs /tmp || exit 126\n");
      for (int i = 0; i < mounts.size(); i++) {
        Mount m = mounts.get(i);
        String target = quote(m.containerPath());
        if (Files.isDirectory(m.hostPath())) {
          script.append("mkdir -p ").append(target).append('\n');
        } else {
          script
              .append("mkdir -p \"$(dirname ")
              .append(target)
              .append(")\" && touch ")
              .append(target)
              .append('\n');
        }
        script
            .append("mount --bind ")
            .append(STAGE.resolve("volume-" + i))
            .append(' ')
            .append(target)
            .append(" || exit 126\n");
        if (m.readOnly()) {
          script.append("mount -o remount,bind,ro ").append(target).append(" || exit 126\n");
        }
      }
    }
    if (!config.workingDir().isEmpty()) {
      script.append("cd ").append(quote(config.workingDir())).append(" || exit 128\n");
    }
    // The wrapper reaches its own record dir through the staged copy when isolated.
    Path wrapperDir = isolate ? Path.of(STAGED_CONTAINER_DIR) : dir;
    Path wrapperExitFile = wrapperDir.resolve(exitFile.getFileName());
    // Setup done (namespaces, /tmp, volumes, working dir): start() returns only now, so a postStart
    // hook or an exec never runs in a half-mounted pod.
    script
        .append(": > ")
        .append(quote(wrapperDir.resolve(SET_UP).toString()))
        .append('\n')
        .append(LogWriter.startCommand(wrapperDir))
        .append("wait $!\n")
        .append("echo $? > ")
        .append(quote(wrapperExitFile + ".tmp"))
        .append(" && mv ")
        .append(quote(wrapperExitFile + ".tmp"))
        .append(' ')
        .append(quote(wrapperExitFile.toString()))
        .append('\n')
        .append(LogWriter.drain());
    List<String> argv = new ArrayList<>();
    if (isolate) {
      argv.addAll(
          List.of(
              "unshare",
              "--mount",
              "--pid",
              "--uts",
              "--fork",
              "--propagation",
              "private",
              "--mount-proc"));
    } else {
      argv.add("setsid");
    }
    argv.addAll(List.of("sh", "-c", script.toString(), "sh"));
    argv.addAll(config.command());
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().put("PATH", DEFAULT_PATH);
    builder.environment().put("HOSTNAME", config.hostname());
    builder.environment().putAll(config.env());
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()));
    builder.redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      cgroups.remove(id);
      throw new IllegalStateException("failed to start " + config.command().get(0) + ": " + e);
    }
    awaitSetUp(process, dir.resolve(SET_UP));
    Instant startedAt = process.info().startInstant().orElse(Instant.now());
    ContainerHandle handle =
        new ContainerHandle(
            id,
            config.podUid(),
            config.containerName(),
            config.attempt(),
            process.pid(),
            startedAt);
    Record record = new Record(handle, dir, config, exitFile);
    records.put(id, record);
    record.save();
    return handle;
  }

  /** The marker the wrapper writes once the pod's mounts are in place, before the command runs. */
  private static final String SET_UP = "set-up";

  /**
   * Waits (up to 30 s) until the wrapper has set the container up or ended; runs on the runtime's
   * blocking dispatcher, as start() does.
   */
  private static void awaitSetUp(Process process, Path marker) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(marker) && process.isAlive() && System.nanoTime() < deadline) {
      try {
        process.waitFor(5, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public CompletionStage<ContainerExit> completion(ContainerHandle handle) {
    Record record = records.get(handle.id());
    Optional<ProcessHandle> process = alive(handle);
    CompletableFuture<?> gone =
        process.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : process.get().onExit().thenApply(p -> null);
    return gone.thenApply(
        ignored -> {
          Path exitFile =
              record != null
                  ? record.exitFile
                  : stateDir.resolve("containers").resolve(handle.id()).resolve("exit-code");
          int code = readExitCode(exitFile).orElse(137);
          boolean oom = code == 137 && cgroups.oomKilled(handle.id());
          if (record != null) {
            forget(record);
          }
          return new ContainerExit(code, oom, Instant.now());
        });
  }

  @Override
  public void signal(ContainerHandle handle, Signal signal) {
    Optional<ProcessHandle> launched = alive(handle);
    if (launched.isEmpty()) {
      return;
    }
    ProcessHandle outer = launched.get();
    // The wrapper waits for the command and records its exit code: TERM goes to the command's tree
    // only; KILL takes everything, the wrapper included (exit code then defaults to 137).
    ProcessHandle wrapper = isolate ? outer.children().findFirst().orElse(outer) : outer;
    List<ProcessHandle> tree = wrapper.descendants().toList();
    if (signal == Signal.TERM) {
      tree.forEach(ProcessHandle::destroy);
    } else {
      killed.put(handle.id(), true);
      tree.forEach(ProcessHandle::destroyForcibly);
      wrapper.destroyForcibly();
      outer.destroyForcibly();
    }
  }

  /** The command in the container's namespaces, workingDir and environment; empty if it ended. */
  private Optional<ProcessBuilder> execBuilder(ContainerHandle handle, List<String> command) {
    Record record = records.get(handle.id());
    Optional<ProcessHandle> outer = alive(handle);
    if (record == null || outer.isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    if (isolate) {
      Optional<ProcessHandle> wrapper = outer.get().children().findFirst();
      if (wrapper.isEmpty()) {
        return Optional.empty();
      }
      argv.addAll(
          List.of(
              "nsenter",
              "--target",
              Long.toString(wrapper.get().pid()),
              "--mount",
              "--pid",
              "--uts",
              "--"));
    }
    String wd = record.config.workingDir();
    argv.addAll(
        List.of(
            "sh", "-c", wd.isEmpty() ? "exec \"$@\"" : "cd " + quote(wd) + "; exec \"$@\"", "sh"));
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().put("PATH", DEFAULT_PATH);
    builder.environment().put("HOSTNAME", record.config.hostname());
    builder.environment().putAll(record.config.env());
    return Optional.of(builder);
  }

  @Override
  public Optional<ExecProcess> startExec(
      ContainerHandle handle, List<String> command, boolean tty) {
    Optional<ProcessBuilder> prepared = execBuilder(handle, command);
    if (prepared.isEmpty()) {
      return Optional.empty();
    }
    ProcessBuilder builder = prepared.get();
    if (tty) {
      builder.command(Pty.wrap(builder.command())).redirectErrorStream(true);
      builder.environment().putIfAbsent("TERM", "xterm");
    }
    try {
      Process p = builder.start();
      return Optional.of(new ExecProcess(p, tty ? Pty.of(p) : TerminalSize.NONE));
    } catch (IOException e) {
      throw new IllegalStateException("failed to exec " + command.get(0) + ": " + e.getMessage());
    }
  }

  @Override
  public ExecResult exec(ContainerHandle handle, List<String> command, Duration timeout) {
    Optional<ProcessBuilder> prepared = execBuilder(handle, command);
    if (prepared.isEmpty()) {
      return new ExecResult(-1, "container is not running", false);
    }
    ProcessBuilder builder = prepared.get().redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process p = builder.start();
      CompletableFuture<String> output =
          CompletableFuture.supplyAsync(() -> readLimited(p.getInputStream()));
      boolean finished = p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new ExecResult(-1, "command timed out after " + timeout.toSeconds() + "s", true);
      }
      return new ExecResult(p.exitValue(), output.get(5, TimeUnit.SECONDS), false);
    } catch (IOException e) {
      return new ExecResult(-1, e.getMessage(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecResult(-1, "interrupted", false);
    } catch (Exception e) {
      return new ExecResult(-1, e.toString(), false);
    }
  }

  /**
   * CPU from /proc of the container's process tree (a cgroup v1 cpu hierarchy counts no usage, and
   * a container without limits has no cgroup); memory from its cgroup when it has one, else the
   * resident sets of its processes.
   */
  @Override
  public Optional<ResourceUsage> stats(ContainerHandle handle) {
    return alive(handle)
        .flatMap(ProcessUsage::of)
        .map(
            tree -> {
              Optional<Cgroups.Memory> cgroup = cgroups.memory(handle.id());
              long usage = cgroup.map(Cgroups.Memory::usageBytes).orElse(tree.residentBytes());
              long workingSet =
                  cgroup.map(Cgroups.Memory::workingSetBytes).orElse(tree.residentBytes());
              return new ResourceUsage(Instant.now(), tree.cpuNanoseconds(), usage, workingSet);
            });
  }

  @Override
  public List<ContainerHandle> running() {
    return records.values().stream()
        .filter(r -> alive(r.handle).isPresent())
        .map(r -> r.handle)
        .toList();
  }

  @Override
  public List<ContainerHandle> containers() {
    return records.values().stream().map(r -> r.handle).toList();
  }

  private Optional<ProcessHandle> alive(ContainerHandle handle) {
    return ProcessHandle.of(handle.pid())
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .startInstant()
                    .map(s -> Math.abs(s.toEpochMilli() - handle.startedAt().toEpochMilli()) < 2000)
                    .orElse(true));
  }

  private void forget(Record r) {
    records.remove(r.handle.id());
    killed.remove(r.handle.id());
    cgroups.remove(r.handle.id());
    try {
      deleteTree(r.dir);
    } catch (IOException e) {
      log.debug("could not delete {}: {}", r.dir, e.toString());
    }
  }

  private void rotateLogs() {
    for (Record r : records.values()) {
      Path file = r.config.logFile();
      try {
        if (Files.exists(file) && Files.size(file) > logMaxBytes) {
          Files.copy(
              file,
              file.resolveSibling(file.getFileName() + ".1"),
              StandardCopyOption.REPLACE_EXISTING);
          try (var channel =
              java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
          }
        }
      } catch (IOException e) {
        log.debug("log rotation of {} failed: {}", file, e.toString());
      }
    }
  }

  private void loadRecords() {
    try (Stream<Path> dirs = Files.list(stateDir.resolve("containers"))) {
      for (Path dir : dirs.toList()) {
        Path file = dir.resolve("container.json");
        if (!Files.exists(file)) {
          deleteTree(dir);
          continue;
        }
        try {
          Record r = Record.load(dir, Json.MAPPER.readTree(file.toFile()));
          records.put(r.handle.id(), r);
        } catch (IOException | RuntimeException e) {
          log.warn("unreadable container record {}: {}", file, e.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Integer> readExitCode(Path file) {
    try {
      return Optional.of(Integer.parseInt(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String readLimited(InputStream in) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        if (out.size() < MAX_EXEC_OUTPUT) {
          out.write(buf, 0, Math.min(n, MAX_EXEC_OUTPUT - out.size()));
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** What survives an agent restart about one container. */
  private record Record(ContainerHandle handle, Path dir, ContainerConfig config, Path exitFile) {

    void save() {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("id", handle.id());
      o.put("podUid", handle.podUid());
      o.put("containerName", handle.containerName());
      o.put("attempt", handle.attempt());
      o.put("pid", handle.pid());
      o.put("startedAt", handle.startedAt().toString());
      o.put("workingDir", config.workingDir());
      o.put("hostname", config.hostname());
      o.put("logFile", config.logFile().toString());
      o.set("command", Json.MAPPER.valueToTree(config.command()));
      o.set("env", Json.MAPPER.valueToTree(config.env()));
      try {
        Path tmp = dir.resolve("container.json.tmp");
        Files.write(tmp, Json.bytes(o));
        Files.move(tmp, dir.resolve("container.json"), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Record load(Path dir, JsonNode o) {
      ContainerHandle handle =
          new ContainerHandle(
              o.path("id").asText(),
              o.path("podUid").asText(),
              o.path("containerName").asText(),
              o.path("attempt").asInt(),
              o.path("pid").asLong(),
              Instant.parse(o.path("startedAt").asText()));
      Map<String, String> env = new LinkedHashMap<>();
      o.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      List<String> command = new ArrayList<>();
      o.path("command").forEach(c -> command.add(c.asText()));
      ContainerConfig config =
          new ContainerConfig(
              handle.podUid(),
              handle.containerName(),
              handle.attempt(),
              command,
              env,
              o.path("workingDir").asText(),
              List.of(),
              Limits.NONE,
              Path.of(o.path("logFile").asText()),
              o.path("hostname").asText());
      return new Record(handle, dir, config, dir.resolve("exit-code"));
    }
  }
}
