package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code Last Seen, Type, Reason, Object, Message} and wide {@code Subobject, Source, First Seen,
 * Count, Name}, in the wide order printEvent fills its cells.
 */
final class EventColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.of(
              "Last Seen",
              "string",
              "The time at which the most recent occurrence of this event was recorded."),
          Column.of(
              "Type",
              "string",
              "Type of this event (Normal, Warning), new types could be" + " added in the future"),
          Column.of(
              "Reason",
              "string",
              "This should be a short, machine understandable string that gives the reason for"
                  + " the transition into the object's current status."),
          Column.of("Object", "string", "The object that this event is about."),
          Column.wide(
              "Subobject",
              "string",
              "If referring to a piece of an object instead of an entire object, this string"
                  + " should contain a valid JSON/Go field access statement, such as"
                  + " desiredState.manifest.containers[2]."),
          Column.wide(
              "Source",
              "string",
              "The component reporting this event. Should be a short machine understandable"
                  + " string."),
          Column.of(
              "Message",
              "string",
              "A human-readable description of the status of this" + " operation."),
          Column.wide(
              "First Seen",
              "string",
              "The time at which the event was first recorded. (Time of server receipt is in"
                  + " TypeMeta.)"),
          Column.wide("Count", "string", "The number of times this event has occurred."),
          new Column("Name", "string", "name", Column.NAME_DOC, 1));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode event, Instant now) {
    String first = HumanDuration.since(Json.text(event, "firstTimestamp"), now);
    if (Json.text(event, "firstTimestamp").isEmpty()) {
      first = HumanDuration.since(Json.text(event, "eventTime"), now);
    }
    String last = HumanDuration.since(Json.text(event, "lastTimestamp"), now);
    if (Json.text(event, "lastTimestamp").isEmpty()) {
      last = first;
    }
    long count = event.path("count").asLong(0);
    JsonNode series = event.get("series");
    if (series != null && series.isObject()) {
      last = HumanDuration.since(Json.text(series, "lastObservedTime"), now);
      count = series.path("count").asLong(0);
    } else if (count == 0) {
      // Events of the events.k8s.io API leave count unset for a single occurrence.
      count = 1;
    }
    JsonNode involved = event.path("involvedObject");
    String kind = Json.text(involved, "kind").toLowerCase(Locale.ROOT);
    String name = Json.text(involved, "name");
    String target = name.isEmpty() ? kind : kind + "/" + name;
    return Arrays.asList(
        last,
        Json.text(event, "type"),
        Json.text(event, "reason"),
        target,
        Json.text(involved, "fieldPath"),
        source(event),
        Json.text(event, "message").strip(),
        first,
        count,
        Json.name(event));
  }

  private static String source(JsonNode event) {
    JsonNode source = event.path("source");
    String component =
        Cells.orElse(Json.text(source, "component"), Json.text(event, "reportingComponent"));
    String instance =
        Cells.orElse(Json.text(source, "host"), Json.text(event, "reportingInstance"));
    if (component.isEmpty()) {
      return "<unknown>";
    }
    return instance.isEmpty() ? component : component + ", " + instance;
  }
}
