package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.List;

/**
 * {@code Name, Ready, Up-to-date, Available, Age} and wide {@code Containers, Images, Selector}, as
 * printDeployment: Ready reads {@code readyReplicas/replicas}.
 */
final class DeploymentColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of("Ready", "string", "Number of the pod with ready state"),
          Column.of(
              "Up-to-date",
              "integer",
              "Total number of non-terminating pods targeted by this deployment that have the"
                  + " desired template spec."),
          Column.of(
              "Available",
              "integer",
              "Total number of available non-terminating pods (ready for at least"
                  + " minReadySeconds) targeted by this deployment."),
          Column.ageColumn(),
          ReplicaSetColumns.CONTAINERS,
          ReplicaSetColumns.IMAGES,
          Column.wide(
              "Selector",
              "string",
              "Label selector for pods. Existing ReplicaSets whose pods are selected by this will"
                  + " be the ones affected by this deployment. It must match the pod template's"
                  + " labels."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode deployment, Instant now) {
    JsonNode spec = deployment.path("spec");
    JsonNode status = deployment.path("status");
    return List.of(
        Json.name(deployment),
        status.path("readyReplicas").asLong(0) + "/" + spec.path("replicas").asLong(0),
        status.path("updatedReplicas").asLong(0),
        status.path("availableReplicas").asLong(0),
        Cells.age(deployment, now),
        ReplicaSetColumns.containerNames(spec.path("template")),
        ReplicaSetColumns.containerImages(spec.path("template")),
        ReplicaSetColumns.labelSelector(spec.get("selector")));
  }
}
