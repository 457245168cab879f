package io.akkube.cluster.hollow;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import com.typesafe.config.Config;
import io.akkube.core.store.ObjectStore;
import io.akkube.node.Backoff;
import io.akkube.node.Heartbeats;
import io.akkube.node.NodeAgent;
import io.akkube.node.NodeRegistration;
import io.akkube.node.runtime.fake.FakeRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Simulated nodes in this JVM (like kubemark/kwok): each is a real {@link NodeAgent} with the
 * {@link FakeRuntime}, so its pods go Running at once without processes, registered as a Node with
 * the configured capacity. Named {@code hollow-node-0}, {@code hollow-node-1}, ...
 */
public final class HollowNodes {

  public static final String NAME_PREFIX = "hollow-node-";

  /** The label every hollow node carries. */
  public static final String LABEL = "akkube.io/hollow-node";

  /**
   * @param count how many nodes
   * @param cpu, memory, pods each node's capacity (and allocatable), as quantities
   * @param firstAddress empty: every hollow node reports the member's address; else node {@code i}
   *     reports this IPv4 address plus {@code i} and serves its NodePorts there (a proxy per node)
   */
  public record Settings(int count, String cpu, String memory, String pods, String firstAddress) {

    public Settings(int count, String cpu, String memory, String pods) {
      this(count, cpu, memory, pods, "");
    }

    /**
     * From config {@code akkube.hollow-nodes} (count, cpu, memory, pods, first-address); none if
     * absent.
     */
    public static Settings fromConfig(Config akkube) {
      if (!akkube.hasPath("hollow-nodes.count")) {
        return new Settings(0, "4", "16Gi", "110");
      }
      Config c = akkube.getConfig("hollow-nodes");
      return new Settings(
          c.getInt("count"),
          c.hasPath("cpu") ? c.getString("cpu") : "4",
          c.hasPath("memory") ? c.getString("memory") : "16Gi",
          c.hasPath("pods") ? c.getString("pods") : "110",
          c.hasPath("first-address") ? c.getString("first-address") : "");
    }

    /** Each hollow node's name and the address it reports, {@code memberAddress} by default. */
    public Map<String, String> addresses(String memberAddress) {
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        out.put(NAME_PREFIX + i, firstAddress.isEmpty() ? memberAddress : plus(firstAddress, i));
      }
      return out;
    }

    static String plus(String ipv4, int n) {
      String[] parts = ipv4.split("\\.");
      if (parts.length != 4) {
        throw new IllegalArgumentException("not an IPv4 address: " + ipv4);
      }
      long value = 0;
      for (String part : parts) {
        int octet = Integer.parseInt(part);
        if (octet < 0 || octet > 255) {
          throw new IllegalArgumentException("not an IPv4 address: " + ipv4);
        }
        value = value << 8 | octet;
      }
      value += n;
      if (value > 0xFFFFFFFFL) {
        throw new IllegalArgumentException(ipv4 + " + " + n + " is past 255.255.255.255");
      }
      return (value >> 24 & 255)
          + "."
          + (value >> 16 & 255)
          + "."
          + (value >> 8 & 255)
          + "."
          + (value & 255);
    }
  }

  private static final int BATCH = 25;
  private static final Duration BATCH_INTERVAL = Duration.ofMillis(100);

  private HollowNodes() {}

  /**
   * Test-only control, off by default: config {@code akkube.hollow.silent-nodes-file} names a file
   * whose lines are hollow nodes that must stop heartbeating (read at every heartbeat), so a test
   * can lose a node and bring it back without killing the JVM.
   */
  public static Optional<Path> silentNodesFile(Config akkube) {
    String file =
        akkube.hasPath("hollow.silent-nodes-file")
            ? akkube.getString("hollow.silent-nodes-file")
            : "";
    return file.isBlank() ? Optional.empty() : Optional.of(Path.of(file));
  }

  /** {@code heartbeats}, except for the nodes {@code silentNodesFile} lists at the time. */
  private static Heartbeats unlessSilenced(Heartbeats heartbeats, Optional<Path> silentNodesFile) {
    if (silentNodesFile.isEmpty()) {
      return heartbeats;
    }
    Path file = silentNodesFile.get();
    return new Heartbeats() {
      @Override
      public Duration interval() {
        return heartbeats.interval();
      }

      @Override
      public void beat(String nodeName) {
        try {
          if (Files.exists(file)
              && Files.readAllLines(file).stream().anyMatch(l -> l.trim().equals(nodeName))) {
            return;
          }
        } catch (IOException e) {
          // unreadable: treat as not silenced
        }
        heartbeats.beat(nodeName);
      }
    };
  }

  /**
   * Starts {@code settings.count()} node agents under the system guardian. {@code node} is config
   * {@code akkube.node} (state directory, back-off, status delay); {@code address} the address they
   * report unless {@link Settings#firstAddress} gives them their own.
   */
  public static void start(
      ActorSystem<?> system,
      ObjectStore store,
      Settings settings,
      Config node,
      String address,
      Heartbeats heartbeats,
      Optional<Path> silentNodesFile,
      Clock clock) {
    if (settings.count() <= 0) {
      return;
    }
    Path stateRoot = Path.of(node.getString("state-dir")).toAbsolutePath().resolve("hollow");
    Backoff backoff =
        new Backoff(
            node.getDuration("backoff-initial"),
            node.getDuration("backoff-max"),
            node.getDuration("backoff-reset"));
    Map<String, String> capacity = new LinkedHashMap<>();
    capacity.put("cpu", settings.cpu());
    capacity.put("memory", settings.memory());
    capacity.put("pods", settings.pods());
    Heartbeats beats = unlessSilenced(heartbeats, silentNodesFile);
    List<String> addresses = List.copyOf(settings.addresses(address).values());
    // Registration writes the Node three times; a thousand at once would time out on a busy
    // machine, so the agents start in small batches.
    for (int first = 0; first < settings.count(); first += BATCH) {
      int from = first;
      int to = Math.min(settings.count(), first + BATCH);
      Runnable startBatch =
          () -> {
            for (int i = from; i < to; i++) {
              startOne(
                  system,
                  store,
                  i,
                  addresses.get(i),
                  stateRoot,
                  backoff,
                  node,
                  capacity,
                  beats,
                  clock);
            }
          };
      if (from == 0) {
        startBatch.run();
      } else {
        system
            .scheduler()
            .scheduleOnce(
                BATCH_INTERVAL.multipliedBy(from / BATCH), startBatch, system.executionContext());
      }
    }
  }

  private static void startOne(
      ActorSystem<?> system,
      ObjectStore store,
      int index,
      String address,
      Path stateRoot,
      Backoff backoff,
      Config node,
      Map<String, String> capacity,
      Heartbeats heartbeats,
      Clock clock) {
    String name = NAME_PREFIX + index;
    FakeRuntime runtime = new FakeRuntime(clock);
    NodeAgent.Settings agent =
        new NodeAgent.Settings(
            name, address, stateRoot.resolve(name), backoff, node.getDuration("status-delay"));
    NodeRegistration registration =
        new NodeRegistration(
            store, name, address, runtime.version(), capacity, Map.of(LABEL, "true"));
    system.systemActorOf(
        NodeAgent.create(store, runtime, agent, registration, heartbeats, clock),
        name,
        Props.empty());
  }
}
