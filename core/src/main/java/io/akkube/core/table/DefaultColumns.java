package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/** {@code Name, Age}: the columns of a kind without printers of its own. */
final class DefaultColumns implements ColumnSet {

  private static final List<Column> COLUMNS = List.of(Column.nameColumn(), Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode object, Instant now) {
    return List.of(Json.name(object), Cells.age(object, now));
  }
}
