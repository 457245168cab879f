package io.akkube.node.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The machine's use, read from /proc as the kubelet's node-level figures are (its root cgroup): CPU
 * time of every core outside idle and iowait, memory in use (total minus free) and its working set
 * (minus the inactive file cache), the boot time as the node's start time. Several akkube nodes on
 * one machine report the same machine, as kubelets sharing a host would.
 */
record HostUsage(
    Instant time,
    Instant bootTime,
    long cpuNanoseconds,
    long memoryTotalBytes,
    long memoryUsageBytes,
    long memoryWorkingSetBytes,
    long memoryRssBytes) {

  /** USER_HZ, the unit of /proc/stat (100 on every Linux architecture). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** The machine now; zeros where /proc cannot be read (not Linux). */
  static HostUsage read(Instant now) {
    return parse(now, read(Path.of("/proc/stat")), read(Path.of("/proc/meminfo")));
  }

  static HostUsage parse(Instant now, String procStat, String meminfo) {
    long ticks = 0;
    Instant boot = now;
    for (String line : procStat.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("cpu") && f.length >= 9) {
        // user nice system idle iowait irq softirq steal (guest time is inside user already)
        ticks =
            Long.parseLong(f[1])
                + Long.parseLong(f[2])
                + Long.parseLong(f[3])
                + Long.parseLong(f[6])
                + Long.parseLong(f[7])
                + Long.parseLong(f[8]);
      } else if (f[0].equals("btime") && f.length >= 2) {
        boot = Instant.ofEpochSecond(Long.parseLong(f[1]));
      }
    }
    long total = kib(meminfo, "MemTotal");
    long usage = total - kib(meminfo, "MemFree");
    long workingSet = Math.max(0, usage - kib(meminfo, "Inactive(file)"));
    return new HostUsage(
        now,
        boot,
        ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND),
        total,
        usage,
        workingSet,
        kib(meminfo, "AnonPages"));
  }

  /** A {@code Key: n kB} line of /proc/meminfo, in bytes (0 when absent). */
  private static long kib(String meminfo, String key) {
    for (String line : meminfo.split("\n")) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]) * 1024;
      }
    }
    return 0;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
