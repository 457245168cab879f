package io.akkube.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.jdbc.db.SlickExtension;
import akka.persistence.jdbc.db.SlickExtensionImpl;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import scala.jdk.javaapi.FutureConverters;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.SimpleJdbcAction;

/**
 * Every event of one kind in the JDBC journal, read by persistence id rather than by tag: a range
 * scan of the journal's primary key ({@code persistence_id, sequence_number}), since a kind's
 * persistence ids share the prefix {@code <kind>|}. akka-persistence-jdbc's tag query joins the tag
 * table, pages by the ordering column and copies every payload into a temporary result; on a
 * journal of 20 000 configmaps it took about 25 s where this range scan takes about 1 s. Events
 * come in order per object (persistence id), which is all a rebuild needs; the query runs on the
 * journal's own Slick database and threads.
 */
final class JdbcKindEvents {

  private final JdbcBackend.DatabaseDef database;
  private final Serialization serialization;
  private final String sql;

  JdbcKindEvents(ActorSystem<?> system) {
    Config readJournal = system.settings().config().getConfig("jdbc-read-journal");
    SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(Adapter.toClassic(system));
    this.database = slick.database(readJournal).database();
    this.serialization = SerializationExtension.get(Adapter.toClassic(system));
    Config table = readJournal.getConfig("tables.event_journal");
    Config c = table.getConfig("columnNames");
    String schema = table.getString("schemaName");
    String name =
        (schema.isEmpty() ? "" : quote(schema) + ".") + quote(table.getString("tableName"));
    this.sql =
        "SELECT "
            + String.join(
                ", ",
                quote(c.getString("ordering")),
                quote(c.getString("persistenceId")),
                quote(c.getString("sequenceNumber")),
                quote(c.getString("writeTimestamp")),
                quote(c.getString("eventSerId")),
                quote(c.getString("eventSerManifest")),
                quote(c.getString("eventPayload")))
            + " FROM "
            + name
            + " WHERE "
            + quote(c.getString("persistenceId"))
            + " >= ? AND "
            + quote(c.getString("persistenceId"))
            + " < ? AND "
            + quote(c.getString("deleted"))
            + " = FALSE ORDER BY "
            + quote(c.getString("persistenceId"))
            + ", "
            + quote(c.getString("sequenceNumber"));
  }

  private static String quote(String identifier) {
    return "\"" + identifier + "\"";
  }

  /** The events whose persistence id starts with {@code entityTypeName|}, deserialized. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  CompletionStage<List<EventEnvelope>> eventsOf(String entityTypeName) {
    // '|' + 1 == '}': the ids of this entity type are exactly those in [name|, name}).
    String from = entityTypeName + "|";
    String until = entityTypeName + "}";
    SimpleJdbcAction<List<EventEnvelope>> query =
        SimpleJdbcAction.apply(context -> read(context.connection(), from, until));
    return FutureConverters.asJava(database.run((DBIOAction) query));
  }

  private List<EventEnvelope> read(Connection connection, String from, String until) {
    List<EventEnvelope> events = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, from);
      statement.setString(2, until);
      statement.setFetchSize(1000);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Object event =
              serialization.deserialize(rows.getBytes(7), rows.getInt(5), rows.getString(6)).get();
          events.add(
              new EventEnvelope(
                  Offset.sequence(rows.getLong(1)),
                  rows.getString(2),
                  rows.getLong(3),
                  event,
                  rows.getLong(4)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the events of " + from + " failed", e);
    }
    return events;
  }
}
