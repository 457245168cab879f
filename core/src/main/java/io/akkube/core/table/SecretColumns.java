package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/** {@code Name, Type, Data, Age}, as printSecret. */
final class SecretColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of("Type", "string", "Used to facilitate programmatic handling of secret data."),
          Column.of(
              "Data",
              "string",
              "Data contains the secret data. Each key must consist of alphanumeric characters,"
                  + " '-', '_' or '.'. The serialized form of the secret data is a base64 encoded"
                  + " string, representing the arbitrary (possibly non-string) data value here."),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode secret, Instant now) {
    return List.of(
        Json.name(secret),
        Json.text(secret, "type"),
        Cells.size(secret.get("data")),
        Cells.age(secret, now));
  }
}
