package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/**
 * {@code Name, Desired, Current, Ready, Age} and wide {@code Containers, Images, Selector}, as
 * printReplicationController; the selector is a plain label map.
 */
final class ReplicationControllerColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Desired",
              "integer",
              "Replicas is the number of desired replicas. This is a pointer to distinguish"
                  + " between explicit zero and unspecified. Defaults to 1."),
          Column.of(
              "Current", "integer", "Replicas is the most recently observed number of replicas."),
          Column.of(
              "Ready", "integer", "The number of ready replicas for this replication controller."),
          Column.ageColumn(),
          ReplicaSetColumns.CONTAINERS,
          ReplicaSetColumns.IMAGES,
          Column.wide(
              "Selector",
              "string",
              "Selector is a label query over pods that should match the Replicas count. If"
                  + " Selector is empty, it is defaulted to the labels present on the Pod"
                  + " template."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode rc, Instant now) {
    JsonNode spec = rc.path("spec");
    JsonNode status = rc.path("status");
    return List.of(
        Json.name(rc),
        spec.path("replicas").asLong(0),
        status.path("replicas").asLong(0),
        status.path("readyReplicas").asLong(0),
        Cells.age(rc, now),
        ReplicaSetColumns.containerNames(spec.path("template")),
        ReplicaSetColumns.containerImages(spec.path("template")),
        ReplicaSetColumns.labels(spec.get("selector")));
  }
}
