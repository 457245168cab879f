package io.akkube.cluster.services;

import static org.assertj.core.api.Assertions.assertThat;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServiceAllocatorTest {

  private static ActorTestKit kit;
  private static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    String snapshots = Files.createTempDirectory("allocator-snapshots").toString();
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    "akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"\n"
                        + "akka.persistence.snapshot-store.plugin ="
                        + " \"akka.persistence.snapshot-store.local\"\n"
                        + "akka.persistence.snapshot-store.local.dir = \""
                        + snapshots
                        + "\"\n"
                        + "akka.actor.serialization-bindings {\n"
                        + "  \"io.akkube.core.CborSerializable\" = jackson-cbor\n}\n")
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * Each test its own allocator (the persistence id is fixed, so each gets its own journal key).
   */
  private ActorRef<ServiceAllocator.Command> allocator(String cidr, NodePortRange ports) {
    String id = "allocator-" + ids.incrementAndGet();
    return kit.spawn(
        ServiceAllocator.create(id, ServiceIpRange.parse(cidr), ports, Clock.systemUTC()), id);
  }

  private static ServiceAllocator.Reply reserve(
      ActorRef<ServiceAllocator.Command> allocator, String owner, String ip, List<Integer> ports) {
    TestProbe<ServiceAllocator.Reply> probe = kit.createTestProbe();
    allocator.tell(new ServiceAllocator.Reserve(owner, ip, ports, false, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static void commit(
      ActorRef<ServiceAllocator.Command> allocator,
      String owner,
      String uid,
      ServiceAllocator.Reply r) {
    ServiceAllocator.Reserved reserved = (ServiceAllocator.Reserved) r;
    TestProbe<Done> probe = kit.createTestProbe();
    allocator.tell(
        new ServiceAllocator.Commit(
            owner,
            uid,
            reserved.ip() == null ? List.of() : List.of(reserved.ip()),
            reserved.ports(),
            List.of(),
            List.of(),
            probe.ref()));
    probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static void releaseAll(
      ActorRef<ServiceAllocator.Command> allocator, String owner, String uid) {
    TestProbe<Done> probe = kit.createTestProbe();
    allocator.tell(new ServiceAllocator.ReleaseAll(owner, uid, probe.ref()));
    probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static ServiceAllocator.Usage usage(ActorRef<ServiceAllocator.Command> allocator) {
    TestProbe<ServiceAllocator.Usage> probe = kit.createTestProbe();
    allocator.tell(new ServiceAllocator.GetUsage(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void automaticAddressesAndPortsAreDistinctAndInRange() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    Set<String> ips = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ServiceAllocator.Reserved r =
          (ServiceAllocator.Reserved) reserve(allocator, "default/s" + i, "", List.of(0, 0));
      assertThat(ips.add(r.ip())).isTrue();
      assertThat(r.ip()).startsWith("127.97.");
      assertThat(ServiceIpRange.parse("127.97.0.0/16").offsetOf(r.ip()))
          .isGreaterThanOrEqualTo(256);
      r.ports().forEach(p -> assertThat(ports.add(p)).isTrue());
    }
    assertThat(ports).allMatch(p -> p >= 30000 + 86 && p <= 32767);
  }

  @Test
  void anAddressOrPortAlreadyTakenIsRefusedWithKubernetesWording() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    commit(
        allocator,
        "default/a",
        "ua",
        reserve(allocator, "default/a", "127.97.0.10", List.of(30080)));

    assertThat(reserve(allocator, "default/b", "127.97.0.10", List.of()))
        .isEqualTo(new ServiceAllocator.Refused(-1, "provided IP is already allocated", false));
    assertThat(reserve(allocator, "default/b", "", List.of(0, 30080)))
        .isEqualTo(new ServiceAllocator.Refused(1, "provided port is already allocated", false));
    assertThat(reserve(allocator, "default/b", "10.0.0.1", List.of()))
        .isEqualTo(
            new ServiceAllocator.Refused(
                -1,
                "the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is"
                    + " 127.97.0.0/16",
                false));
    assertThat(reserve(allocator, "default/b", "", List.of(8080)))
        .isEqualTo(
            new ServiceAllocator.Refused(
                0,
                "provided port is not in the valid range. The range of valid ports is 30000-32767",
                false));
    assertThat(usage(allocator)).isEqualTo(new ServiceAllocator.Usage(1, 1));
  }

  @Test
  void aFullRangeSaysSoAndAReleasedAddressCanBeTakenAgain() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/29", new NodePortRange(30000, 2));
    for (int i = 0; i < 6; i++) {
      commit(
          allocator, "default/s" + i, "u" + i, reserve(allocator, "default/s" + i, "", List.of()));
    }
    assertThat(reserve(allocator, "default/x", "", List.of()))
        .isEqualTo(new ServiceAllocator.Refused(-1, "range is full", true));

    releaseAll(allocator, "default/s3", "u3");

    assertThat(reserve(allocator, "default/x", "", List.of()))
        .isInstanceOf(ServiceAllocator.Reserved.class);
    reserve(allocator, "default/p", null, List.of(0, 0));
    assertThat(reserve(allocator, "default/q", null, List.of(0)))
        .isEqualTo(new ServiceAllocator.Refused(0, "range is full", true));
  }

  @Test
  void aRevertedReservationIsFreeAgainButACommittedOneIsNot() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    reserve(allocator, "default/a", "127.97.0.20", List.of(30020));
    TestProbe<Done> done = kit.createTestProbe();
    allocator.tell(
        new ServiceAllocator.Revert(
            "default/a", List.of("127.97.0.20"), List.of(30020), done.ref()));
    done.receiveMessage();
    assertThat(usage(allocator)).isEqualTo(new ServiceAllocator.Usage(0, 0));

    commit(allocator, "default/a", "ua", reserve(allocator, "default/a", "127.97.0.20", List.of()));
    allocator.tell(
        new ServiceAllocator.Revert("default/a", List.of("127.97.0.20"), List.of(), done.ref()));
    done.receiveMessage();
    assertThat(usage(allocator)).isEqualTo(new ServiceAllocator.Usage(1, 0));
  }

  @Test
  void releasingAnOldIncarnationLeavesTheNewOnesAddressAlone() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    commit(
        allocator,
        "default/a",
        "new-uid",
        reserve(allocator, "default/a", "127.97.0.30", List.of()));

    releaseAll(allocator, "default/a", "old-uid");

    assertThat(reserve(allocator, "default/b", "127.97.0.30", List.of()))
        .isInstanceOf(ServiceAllocator.Refused.class);
  }

  @Test
  void allocatingAndFreeingAThousandTimesLeavesNothingAllocated() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    for (int i = 0; i < 1000; i++) {
      String owner = "default/s" + i;
      commit(allocator, owner, "u" + i, reserve(allocator, owner, "", List.of(0)));
      releaseAll(allocator, owner, "u" + i);
    }
    assertThat(usage(allocator)).isEqualTo(new ServiceAllocator.Usage(0, 0));
  }

  @Test
  void allocationsSurviveARestart() {
    String name = "allocator-restart";
    ActorRef<ServiceAllocator.Command> first =
        kit.spawn(
            ServiceAllocator.create(
                name,
                ServiceIpRange.parse("127.97.0.0/16"),
                NodePortRange.DEFAULT,
                Clock.systemUTC()),
            name);
    for (int i = 0; i < 1005; i++) {
      reserve(first, "default/s" + i, "", List.of());
    }
    commit(
        first, "default/keep", "uk", reserve(first, "default/keep", "127.97.0.40", List.of(30040)));
    kit.stop(first);

    ActorRef<ServiceAllocator.Command> second =
        kit.spawn(
            ServiceAllocator.create(
                name,
                ServiceIpRange.parse("127.97.0.0/16"),
                NodePortRange.DEFAULT,
                Clock.systemUTC()),
            name + "-2");

    assertThat(usage(second)).isEqualTo(new ServiceAllocator.Usage(1006, 1));
    assertThat(reserve(second, "default/other", "127.97.0.40", List.of()))
        .isInstanceOf(ServiceAllocator.Refused.class);
  }

  @Test
  void aRepairFreesStalePendingReservationsAndAdoptsWhatServicesHold() {
    ActorRef<ServiceAllocator.Command> allocator =
        allocator("127.97.0.0/16", NodePortRange.DEFAULT);
    reserve(allocator, "default/crashed", "127.97.0.50", List.of(30050));
    reserve(allocator, "default/inflight", "127.97.0.51", List.of());
    TestProbe<ServiceAllocator.Usage> probe = kit.createTestProbe();
    long now = System.currentTimeMillis();

    // Listed "now": both reservations are younger than the grace period, so both stay.
    allocator.tell(new ServiceAllocator.Repair(Map.of(), now, probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new ServiceAllocator.Usage(2, 1));

    // Listed a minute later: nothing holds them, they go; an existing service's address is adopted.
    allocator.tell(
        new ServiceAllocator.Repair(
            Map.of(
                "default/web",
                new ServiceAllocator.Held("uw", List.of("127.97.0.60"), List.of(30060))),
            now + Duration.ofMinutes(1).toMillis(),
            probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new ServiceAllocator.Usage(1, 1));
    assertThat(reserve(allocator, "default/x", "127.97.0.60", List.of()))
        .isInstanceOf(ServiceAllocator.Refused.class);
  }
}
