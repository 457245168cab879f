package io.akkube.persistence;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Which journal a process uses and how it is prepared. Embedded mode: akka-persistence-jdbc on an
 * H2 file database under the data directory, schema created on first start.
 */
public final class JournalSetup {

  private JournalSetup() {}

  /**
   * Configuration for the embedded H2 journal in {@code dataDir}. WRITE_DELAY=0 makes H2 write
   * every commit to the file at once, so an acknowledged write survives kill -9 of the process.
   */
  public static Config h2(Path dataDir) {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("journal")
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0";
    return ConfigFactory.parseMap(
            Map.of("akka-persistence-jdbc.shared-databases.slick.db.url", url))
        .withFallback(ConfigFactory.parseResources("akkube-h2.conf"));
  }

  /** Creates the journal, snapshot and tag tables if they do not exist (idempotent). */
  public static CompletionStage<Done> createSchema(ActorSystem<?> system) {
    return SchemaUtils.createIfNotExists(system);
  }
}
