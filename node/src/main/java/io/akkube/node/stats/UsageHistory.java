package io.akkube.node.stats;

import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.ResourceUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The readings of the last minute, so that a CPU rate ({@code usageNanoCores}) can be taken over a
 * window without sampling in the background: a summary compares its reading with the newest earlier
 * one that is at least {@link #MIN_WINDOW} old and covers all its containers; when there is none
 * (the first request, a container started since), it reads again after {@link #MIN_WINDOW}. Windows
 * are so between one second and a minute: recent, like metrics-server's.
 */
final class UsageHistory {

  static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  static final Duration MAX_AGE = Duration.ofMinutes(1);
  private static final int MAX_READINGS = 64;

  /** One reading of the node: the machine, and each running container's handle and use, by id. */
  record Reading(
      Instant time,
      HostUsage host,
      Map<String, ContainerHandle> handles,
      Map<String, ResourceUsage> containers) {
    Reading {
      handles = Map.copyOf(handles);
      containers = Map.copyOf(containers);
    }
  }

  /** Two readings to take rates between. */
  record Window(Reading base, Reading now) {
    Duration length() {
      return Duration.between(base.time(), now.time());
    }
  }

  private final Deque<Reading> readings = new ArrayDeque<>();

  /** The reading to take rates against {@code now} from, if one is old enough and complete. */
  synchronized Optional<Reading> baseFor(Reading now) {
    for (Iterator<Reading> it = readings.descendingIterator(); it.hasNext(); ) {
      Reading earlier = it.next();
      Duration age = Duration.between(earlier.time(), now.time());
      if (age.compareTo(MAX_AGE) > 0) {
        break;
      }
      if (age.compareTo(MIN_WINDOW) >= 0
          && earlier.containers().keySet().containsAll(now.containers().keySet())) {
        return Optional.of(earlier);
      }
    }
    return Optional.empty();
  }

  synchronized void add(Reading reading) {
    readings.addLast(reading);
    while (readings.size() > MAX_READINGS
        || Duration.between(readings.peekFirst().time(), reading.time()).compareTo(MAX_AGE) > 0) {
      readings.removeFirst();
    }
  }

  /**
   * CPU cores in use between two readings of a cumulative CPU time, in nanocores; empty when the
   * counter went back (a restarted container behind the same id) or no time passed.
   */
  static OptionalLong nanoCores(long cpuBefore, Instant before, long cpuAfter, Instant after) {
    long nanos = Duration.between(before, after).toNanos();
    if (nanos <= 0 || cpuAfter < cpuBefore) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.round((double) (cpuAfter - cpuBefore) / nanos * 1_000_000_000d));
  }
}
