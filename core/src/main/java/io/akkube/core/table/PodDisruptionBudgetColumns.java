package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/**
 * {@code Name, Min Available, Max Unavailable, Allowed Disruptions, Age}, as
 * printPodDisruptionBudget: {@code N/A} for the bound that is not set.
 */
final class PodDisruptionBudgetColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Min Available",
              "string",
              "The minimum number or percentage of available pods this budget requires"),
          Column.of(
              "Max Unavailable",
              "string",
              "The maximum number or percentage of unavailable pods this budget requires"),
          Column.of(
              "Allowed Disruptions",
              "integer",
              "Calculated number of pods that may be disrupted at this time"),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode pdb, Instant now) {
    JsonNode spec = pdb.path("spec");
    return List.of(
        Json.name(pdb),
        bound(spec.get("minAvailable")),
        bound(spec.get("maxUnavailable")),
        pdb.path("status").path("disruptionsAllowed").asLong(0),
        Cells.age(pdb, now));
  }

  private static String bound(JsonNode value) {
    return value == null || value.isNull() ? "N/A" : value.asText();
  }
}
