package io.akkube.node.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A container's use read from /proc for the processes of its tree (the wrapper and everything it
 * started): CPU as utime + stime + cutime + cstime of each live process, so that the CPU time of
 * children already reaped inside the tree counts, and memory as the sum of their resident sets
 * (pages shared between them count once per process).
 */
final class ProcessUsage {

  /**
   * USER_HZ, the unit of /proc/[pid]/stat times: 100 on every Linux architecture akkube runs on
   * (the kernel's ABI value, whatever CONFIG_HZ is).
   */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private static final Path PROC = Path.of("/proc");

  private ProcessUsage() {}

  /** CPU time of the tree in nanoseconds and its resident memory in bytes. */
  record Tree(long cpuNanoseconds, long residentBytes) {}

  /** The use of {@code root} and its descendants; empty when {@code root} is gone. */
  static Optional<Tree> of(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    try (Stream<ProcessHandle> descendants = root.descendants()) {
      descendants.forEach(tree::add);
    }
    long ticks = 0;
    long resident = 0;
    boolean any = false;
    for (ProcessHandle p : tree) {
      Optional<String> stat = read(PROC.resolve(Long.toString(p.pid())).resolve("stat"));
      if (stat.isEmpty()) {
        continue; // ended meanwhile
      }
      any = true;
      ticks += cpuTicks(stat.get());
      resident +=
          read(PROC.resolve(Long.toString(p.pid())).resolve("status"))
              .map(ProcessUsage::residentBytes)
              .orElse(0L);
    }
    if (!any) {
      return Optional.empty();
    }
    return Optional.of(new Tree(ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND), resident));
  }

  /**
   * utime + stime + cutime + cstime (fields 14 to 17) of a /proc/[pid]/stat line; the command name
   * in parentheses may hold blanks and parentheses, so fields are counted after the last ')'.
   */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): field n is f[n - 3]
    return Long.parseLong(f[11])
        + Long.parseLong(f[12])
        + Math.max(0, Long.parseLong(f[13]))
        + Math.max(0, Long.parseLong(f[14]));
  }

  /** VmRSS of a /proc/[pid]/status text, in bytes (0 for a kernel thread or a zombie). */
  static long residentBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return 0;
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
