package io.akkube.node.runtime.process;

import io.akkube.node.runtime.ContainerRuntime.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One cgroup per container under {@code akkube/}, v2 (unified) or v1 (memory + cpu hierarchies),
 * whichever the host lets us write; otherwise limits are reported as not enforced.
 */
final class Cgroups {

  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final long CFS_PERIOD_US = 100_000;

  private enum Mode {
    V2,
    V1,
    NONE
  }

  private final Mode mode;
  private final String reason;

  private Cgroups(Mode mode, String reason) {
    this.mode = mode;
    this.reason = reason;
  }

  static Cgroups detect() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new Cgroups(Mode.NONE, "the node agent does not run as root");
    }
    if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
      try {
        Path base = ROOT.resolve("akkube");
        Files.createDirectories(base);
        String controllers = Files.readString(ROOT.resolve("cgroup.controllers"));
        if (!controllers.contains("memory")) {
          return new Cgroups(Mode.NONE, "the cgroup v2 memory controller is not available");
        }
        Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+memory +cpu");
        Files.writeString(base.resolve("cgroup.subtree_control"), "+memory +cpu");
        return new Cgroups(Mode.V2, "");
      } catch (IOException | RuntimeException e) {
        return new Cgroups(Mode.NONE, "cgroup v2 is not writable: " + e.getMessage());
      }
    }
    Path memory = ROOT.resolve("memory");
    Path cpu = ROOT.resolve("cpu");
    if (Files.isDirectory(memory) && Files.isDirectory(cpu)) {
      try {
        Path probe = memory.resolve("akkube").resolve("probe");
        Files.createDirectories(probe);
        Files.writeString(probe.resolve("memory.limit_in_bytes"), "1073741824");
        Files.delete(probe);
        Files.createDirectories(cpu.resolve("akkube"));
        return new Cgroups(Mode.V1, "");
      } catch (IOException | RuntimeException e) {
        return new Cgroups(Mode.NONE, "cgroup v1 memory/cpu is not writable: " + e.getMessage());
      }
    }
    return new Cgroups(Mode.NONE, "no cgroup memory and cpu controllers on this host");
  }

  boolean enforced() {
    return mode != Mode.NONE;
  }

  String reason() {
    return reason;
  }

  String description() {
    return mode == Mode.V2 ? "cgroup v2" : "cgroup v1";
  }

  /** The cgroup directories the container's wrapper must join; empty when nothing is limited. */
  Optional<List<Path>> create(String id, Limits limits) {
    if (mode == Mode.NONE || (limits.memoryBytes() == 0 && limits.cpuMillis() == 0)) {
      return Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    try {
      if (mode == Mode.V2) {
        Path dir = ROOT.resolve("akkube").resolve(id);
        Files.createDirectories(dir);
        if (limits.memoryBytes() > 0) {
          Files.writeString(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
          Files.writeString(dir.resolve("memory.swap.max"), "0");
        }
        if (limits.cpuMillis() > 0) {
          Files.writeString(
              dir.resolve("cpu.max"),
              limits.cpuMillis() * CFS_PERIOD_US / 1000 + " " + CFS_PERIOD_US);
        }
        dirs.add(dir);
      } else {
        if (limits.memoryBytes() > 0) {
          Path dir = ROOT.resolve("memory").resolve("akkube").resolve(id);
          Files.createDirectories(dir);
          Files.writeString(
              dir.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
          dirs.add(dir);
        }
        if (limits.cpuMillis() > 0) {
          Path dir = ROOT.resolve("cpu").resolve("akkube").resolve(id);
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(CFS_PERIOD_US));
          Files.writeString(
              dir.resolve("cpu.cfs_quota_us"),
              Long.toString(Math.max(1000, limits.cpuMillis() * CFS_PERIOD_US / 1000)));
          dirs.add(dir);
        }
      }
      return Optional.of(dirs);
    } catch (IOException | RuntimeException e) {
      remove(id);
      return Optional.empty();
    }
  }

  /** Whether the kernel's OOM killer struck inside the container's cgroup. */
  boolean oomKilled(String id) {
    try {
      if (mode == Mode.V2) {
        Path events = ROOT.resolve("akkube").resolve(id).resolve("memory.events");
        return Files.exists(events) && counter(Files.readString(events), "oom_kill") > 0;
      }
      if (mode == Mode.V1) {
        Path dir = ROOT.resolve("memory").resolve("akkube").resolve(id);
        if (!Files.exists(dir)) {
          return false;
        }
        String control = Files.readString(dir.resolve("memory.oom_control"));
        if (control.contains("oom_kill ")) {
          return counter(control, "oom_kill") > 0;
        }
        // kernels before 4.13 count no kills; hitting the limit is the best sign left (page cache
        // reclaim also counts, so only on those kernels)
        return Long.parseLong(Files.readString(dir.resolve("memory.failcnt")).trim()) > 0;
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }

  /** Memory in use by a cgroup and its working set (use minus the inactive file cache). */
  record Memory(long usageBytes, long workingSetBytes) {}

  /**
   * The memory use of the container's cgroup, as cAdvisor reads it; empty when the container has
   * none (no memory limit on cgroup v1, no limit at all on v2).
   */
  Optional<Memory> memory(String id) {
    try {
      if (mode == Mode.V2) {
        Path dir = ROOT.resolve("akkube").resolve(id);
        if (!Files.exists(dir.resolve("memory.current"))) {
          return Optional.empty();
        }
        long usage = Long.parseLong(Files.readString(dir.resolve("memory.current")).trim());
        long inactive = counter(Files.readString(dir.resolve("memory.stat")), "inactive_file");
        return Optional.of(new Memory(usage, Math.max(0, usage - inactive)));
      }
      if (mode == Mode.V1) {
        Path dir = ROOT.resolve("memory").resolve("akkube").resolve(id);
        if (!Files.exists(dir.resolve("memory.usage_in_bytes"))) {
          return Optional.empty();
        }
        long usage = Long.parseLong(Files.readString(dir.resolve("memory.usage_in_bytes")).trim());
        long inactive =
            counter(Files.readString(dir.resolve("memory.stat")), "total_inactive_file");
        return Optional.of(new Memory(usage, Math.max(0, usage - inactive)));
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  void remove(String id) {
    for (Path dir :
        List.of(
            ROOT.resolve("akkube").resolve(id),
            ROOT.resolve("memory").resolve("akkube").resolve(id),
            ROOT.resolve("cpu").resolve("akkube").resolve(id))) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // busy or gone: the kernel removes nothing by itself, but an empty cgroup costs little
      }
    }
  }

  private static long counter(String text, String key) {
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(key)) {
        return Long.parseLong(parts[1]);
      }
    }
    return 0;
  }
}
