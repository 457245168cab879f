package io.akkube.cluster.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The facts of the machine a result was measured on, recorded with every result. */
public final class Machine {

  private Machine() {}

  public static Map<String, Object> facts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memTotal", procLine("/proc/meminfo", "MemTotal:"));
    m.put("loadAverage", loadAverage());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("jvmFlags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("gitCommit", gitCommit());
    return m;
  }

  /** The 1, 5 and 15 minute load averages (the machine is shared: read figures against it). */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String procLine(String file, String prefix) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length()).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  /** The short commit, with {@code -dirty} when the work tree has changes. */
  static String gitCommit() {
    String head = run("git", "rev-parse", "--short", "HEAD");
    if (head.isEmpty()) {
      return "unknown";
    }
    return run("git", "status", "--porcelain", "--untracked-files=no").isEmpty()
        ? head
        : head + "-dirty";
  }

  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
