package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/** {@code Name, Value, Global-Default, Age, PreemptionPolicy}, as printPriorityClass. */
final class PriorityClassColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Value",
              "integer",
              "value represents the integer value of this priority class. This is the actual"
                  + " priority that pods receive when they have the name of this class in their"
                  + " pod spec."),
          Column.of(
              "Global-Default",
              "boolean",
              "globalDefault specifies whether this PriorityClass should be considered as the"
                  + " default priority for pods that do not have any priority class."),
          Column.ageColumn(),
          Column.of(
              "PreemptionPolicy",
              "string",
              "preemptionPolicy is the Policy for preempting pods with lower priority."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode pc, Instant now) {
    return List.of(
        Json.name(pc),
        pc.path("value").asLong(0),
        pc.path("globalDefault").asBoolean(false),
        Cells.age(pc, now),
        Json.text(pc, "preemptionPolicy"));
  }
}
