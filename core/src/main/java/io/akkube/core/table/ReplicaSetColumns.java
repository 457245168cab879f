package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Name, Desired, Current, Ready, Age} and wide {@code Containers, Images, Selector}, as
 * printReplicaSet. The template and selector cells are shared with the other workloads.
 */
final class ReplicaSetColumns implements ColumnSet {

  static final Column CONTAINERS =
      Column.wide("Containers", "string", "Names of each container in the template.");
  static final Column IMAGES =
      Column.wide("Images", "string", "Images referenced by each container in the template.");

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Desired",
              "integer",
              "Replicas is the number of desired pods. This is a pointer to distinguish between"
                  + " explicit zero and unspecified. Defaults to 1."),
          Column.of(
              "Current",
              "integer",
              "Replicas is the most recently observed number of non-terminating pods."),
          Column.of(
              "Ready",
              "integer",
              "The number of non-terminating pods targeted by this ReplicaSet with a Ready"
                  + " Condition."),
          Column.ageColumn(),
          CONTAINERS,
          IMAGES,
          Column.wide(
              "Selector",
              "string",
              "Selector is a label query over pods that should match the replica count. Label keys"
                  + " and values that must match in order to be controlled by this replica set."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode rs, Instant now) {
    JsonNode spec = rs.path("spec");
    JsonNode status = rs.path("status");
    return List.of(
        Json.name(rs),
        spec.path("replicas").asLong(0),
        status.path("replicas").asLong(0),
        status.path("readyReplicas").asLong(0),
        Cells.age(rs, now),
        containerNames(spec.path("template")),
        containerImages(spec.path("template")),
        labelSelector(spec.get("selector")));
  }

  /** The template's container names, comma-separated. */
  static String containerNames(JsonNode template) {
    return joinContainers(template, "name");
  }

  static String containerImages(JsonNode template) {
    return joinContainers(template, "image");
  }

  /** FormatLabelSelector: {@code <none>} when empty, {@code <error>} when it does not parse. */
  static String labelSelector(JsonNode selector) {
    if (selector == null || selector.isNull()) {
      return "<none>";
    }
    try {
      String s = LabelSelector.fromJson(selector).toString();
      return s.isEmpty() ? "<none>" : s;
    } catch (ApiException e) {
      return "<error>";
    }
  }

  /** FormatLabels of a plain label map: {@code a=b,c=d}, {@code <none>} when empty. */
  static String labels(JsonNode map) {
    List<String> pairs = new ArrayList<>();
    if (map != null && map.isObject()) {
      map.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    }
    return pairs.isEmpty() ? "<none>" : String.join(",", pairs.stream().sorted().toList());
  }

  private static String joinContainers(JsonNode template, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode c : template.path("spec").path("containers")) {
      values.add(Json.text(c, field));
    }
    return String.join(",", values);
  }
}
