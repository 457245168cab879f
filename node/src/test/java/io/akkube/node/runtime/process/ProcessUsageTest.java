package io.akkube.node.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

  @Test
  void cpuTimesAreCountedAfterTheCommandNameWhateverItHolds() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime ...
    String stat = "42 (my (odd) cmd) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 20 10 20 0 1 0 5";
    assertThat(ProcessUsage.cpuTicks(stat)).isEqualTo(7 + 3 + 20 + 10);
  }

  @Test
  void residentSetComesFromVmRss() {
    assertThat(ProcessUsage.residentBytes("Name:\tsh\nVmRSS:\t    1536 kB\nThreads:\t1\n"))
        .isEqualTo(1536 * 1024);
    assertThat(ProcessUsage.residentBytes("Name:\tkthreadd\n")).isZero();
  }

  @Test
  void aBusyTreeShowsCpuTimeAndResidentMemory() throws Exception {
    // the shell spins in a child, so the time is the tree's, not the root's own
    Process p = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done' & wait").start();
    try {
      Instant end = Instant.now().plus(Duration.ofSeconds(30));
      ProcessUsage.Tree tree = ProcessUsage.of(p.toHandle()).orElseThrow();
      while (tree.cpuNanoseconds() < 50_000_000L && Instant.now().isBefore(end)) {
        p.waitFor(50, TimeUnit.MILLISECONDS);
        tree = ProcessUsage.of(p.toHandle()).orElseThrow();
      }
      assertThat(tree.cpuNanoseconds()).isGreaterThanOrEqualTo(50_000_000L);
      assertThat(tree.residentBytes()).isPositive();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(ProcessUsage.of(p.toHandle())).isEmpty();
  }
}
