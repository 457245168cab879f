package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/** {@code Name, Data, Age}, as printConfigMap: Data counts data and binaryData keys. */
final class ConfigMapColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Data",
              "string",
              "Data contains the configuration data. Each key must consist of alphanumeric"
                  + " characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use"
                  + " the BinaryData field. The keys stored in Data must not overlap with the keys"
                  + " in the BinaryData field, this is enforced during validation process."),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode cm, Instant now) {
    int data = Cells.size(cm.get("data")) + Cells.size(cm.get("binaryData"));
    return List.of(Json.name(cm), data, Cells.age(cm, now));
  }
}
