package io.akkube.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraJournalSettingsTest {

  @Test
  void developmentConfigurationPointsJournalSnapshotsAndTagQueriesAtCassandra() {
    Config config =
        JournalSetup.cassandra(
            CassandraJournalSettings.development(List.of("127.0.0.1:9042", "cass-2")),
            "20261121T22:00");

    assertThat(JournalSetup.usesCassandra(config)).isTrue();
    assertThat(config.getString("akka.persistence.snapshot-store.plugin"))
        .isEqualTo("akka.persistence.cassandra.snapshot");
    assertThat(config.getStringList("datastax-java-driver.basic.contact-points"))
        .containsExactly("127.0.0.1:9042", "cass-2:9042");
    assertThat(
            config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter"))
        .isEqualTo("datacenter1");
    assertThat(config.getBoolean("datastax-java-driver.advanced.reconnect-on-init")).isTrue();
    assertThat(config.getString("akka.persistence.cassandra.events-by-tag.first-time-bucket"))
        .isEqualTo("20261121T22:00");
    assertThat(config.getString("akka.persistence.cassandra.journal.keyspace")).isEqualTo("akkube");
    assertThat(config.getString("akka.persistence.cassandra.snapshot.keyspace"))
        .isEqualTo("akkube_snapshot");
    assertThat(config.getBoolean("akka.persistence.cassandra.journal.keyspace-autocreate"))
        .isTrue();
    assertThat(config.getBoolean("akka.persistence.cassandra.snapshot.tables-autocreate")).isTrue();
  }

  @Test
  void productionSettingsCarryReplicationFactorAndConsistencyAndCreateNothing() {
    Config config =
        JournalSetup.cassandra(
            new CassandraJournalSettings(
                List.of("10.0.0.1"), "prod", 3, "quorum", "local_quorum", false, "dc1"),
            "20261121T22:00");

    assertThat(config.getInt("akka.persistence.cassandra.journal.replication-factor")).isEqualTo(3);
    assertThat(config.getInt("akka.persistence.cassandra.snapshot.replication-factor"))
        .isEqualTo(3);
    assertThat(
            config.getString("datastax-java-driver.profiles.akkube-read.basic.request.consistency"))
        .isEqualTo("QUORUM");
    assertThat(
            config.getString(
                "datastax-java-driver.profiles.akkube-write.basic.request.consistency"))
        .isEqualTo("LOCAL_QUORUM");
    assertThat(config.getString("akka.persistence.cassandra.write-profile"))
        .isEqualTo("akkube-write");
    assertThat(config.getBoolean("akka.persistence.cassandra.journal.tables-autocreate")).isFalse();
    assertThat(config.getBoolean("akka.persistence.cassandra.snapshot.keyspace-autocreate"))
        .isFalse();
  }

  @Test
  void theEmbeddedConfigurationIsNotCassandra() {
    assertThat(JournalSetup.usesCassandra(JournalSetup.h2(java.nio.file.Path.of("/tmp/x"))))
        .isFalse();
  }

  @Test
  void invalidSettingsAreRejectedWithTheValueAndWhatIsExpected() {
    assertThatThrownBy(() -> settings(List.of("127.0.0.1:9042"), "bad-name", 1, "QUORUM"))
        .hasMessageContaining("keyspace: invalid value \"bad-name\"");
    assertThatThrownBy(() -> settings(List.of("127.0.0.1:x"), "akkube", 1, "QUORUM"))
        .hasMessageContaining("contact point: invalid value \"127.0.0.1:x\"");
    assertThatThrownBy(() -> settings(List.of(), "akkube", 1, "QUORUM"))
        .hasMessageContaining("at least one Cassandra contact point");
    assertThatThrownBy(() -> settings(List.of("h"), "akkube", 0, "QUORUM"))
        .hasMessageContaining("replication factor: invalid value 0");
    assertThatThrownBy(() -> settings(List.of("h"), "akkube", 1, "MOST"))
        .hasMessageContaining("read consistency: unsupported value \"MOST\"");
  }

  private static CassandraJournalSettings settings(
      List<String> contactPoints, String keyspace, int rf, String consistency) {
    return new CassandraJournalSettings(
        contactPoints, keyspace, rf, consistency, "QUORUM", true, "datacenter1");
  }
}
