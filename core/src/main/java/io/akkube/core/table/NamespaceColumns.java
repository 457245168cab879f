package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/** {@code Name, Status, Age}, as printNamespace. */
final class NamespaceColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of("Status", "string", "The status of the namespace"),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode ns, Instant now) {
    return List.of(Json.name(ns), Json.text(ns.get("status"), "phase"), Cells.age(ns, now));
  }
}
