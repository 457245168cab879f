package io.akkube.persistence;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * Where the cluster journal lives and how safely it is written (DESIGN.md §8).
 *
 * @param contactPoints {@code host:port} of one or more Cassandra nodes (port 9042 when omitted)
 * @param keyspace the journal's keyspace; snapshots go to {@code <keyspace>_snapshot}
 * @param replicationFactor copies of every row (SimpleStrategy); 3 in production
 * @param readConsistency consistency level of reads (QUORUM: with RF 3 survives one replica down)
 * @param writeConsistency consistency level of writes
 * @param development create keyspaces and tables on start (production: {@code akkube migrate})
 * @param localDatacenter the driver's local data center ({@code datacenter1} with SimpleSnitch)
 */
public record CassandraJournalSettings(
    List<String> contactPoints,
    String keyspace,
    int replicationFactor,
    String readConsistency,
    String writeConsistency,
    boolean development,
    String localDatacenter) {

  static final Set<String> CONSISTENCY_LEVELS =
      Set.of("ONE", "TWO", "THREE", "QUORUM", "LOCAL_QUORUM", "EACH_QUORUM", "ALL", "LOCAL_ONE");

  public CassandraJournalSettings {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Cassandra contact point is required");
    }
    contactPoints.forEach(CassandraJournalSettings::hostAndPort);
    if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,38}")) {
      throw new IllegalArgumentException(
          "keyspace: invalid value \""
              + keyspace
              + "\": letters, digits and _ starting with a letter, at most 39 characters");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor: invalid value " + replicationFactor + ": must be 1 or more");
    }
    readConsistency = consistency("read consistency", readConsistency);
    writeConsistency = consistency("write consistency", writeConsistency);
  }

  /** Development defaults: one local node, RF 1, QUORUM (= ONE with RF 1), autocreate on. */
  public static CassandraJournalSettings development(List<String> contactPoints) {
    return new CassandraJournalSettings(
        contactPoints, "akkube", 1, "QUORUM", "QUORUM", true, "datacenter1");
  }

  public String snapshotKeyspace() {
    return keyspace + "_snapshot";
  }

  /** The contact points as resolved socket addresses (for a driver session of our own). */
  public List<InetSocketAddress> socketAddresses() {
    return contactPoints.stream()
        .map(CassandraJournalSettings::hostAndPort)
        .map(hp -> new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
        .toList();
  }

  /** The contact points as the driver's configuration wants them: {@code host:port}. */
  List<String> hostPorts() {
    return contactPoints.stream().map(c -> String.join(":", hostAndPort(c))).toList();
  }

  private static String[] hostAndPort(String contactPoint) {
    String s = contactPoint.trim();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      return new String[] {s, "9042"};
    }
    String port = s.substring(colon + 1);
    if (colon == 0 || !port.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException(
          "contact point: invalid value \"" + contactPoint + "\": expected host or host:port");
    }
    return new String[] {s.substring(0, colon), port};
  }

  private static String consistency(String what, String level) {
    String upper = level.toUpperCase(java.util.Locale.ROOT);
    if (!CONSISTENCY_LEVELS.contains(upper)) {
      throw new IllegalArgumentException(
          what
              + ": unsupported value \""
              + level
              + "\": supported values: "
              + new java.util.TreeSet<>(CONSISTENCY_LEVELS));
    }
    return upper;
  }
}
