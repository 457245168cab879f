package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Server-side printing: objects as a meta.k8s.io/v1 {@code Table}, what kubectl asks for with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}. Each row carries the object's
 * metadata as a PartialObjectMetadata (Kubernetes' default includeObject=Metadata). Kinds without a
 * column set of their own get {@code Name, Age}.
 */
public final class TableConvertor {

  private static final Map<String, ColumnSet> BY_RESOURCE =
      Map.ofEntries(
          Map.entry(ResourceTypes.PODS.qualifiedResource(), new PodColumns()),
          Map.entry(ResourceTypes.NODES.qualifiedResource(), new NodeColumns()),
          Map.entry(ResourceTypes.NAMESPACES.qualifiedResource(), new NamespaceColumns()),
          Map.entry(ResourceTypes.EVENTS.qualifiedResource(), new EventColumns()),
          Map.entry(ResourceTypes.CONFIG_MAPS.qualifiedResource(), new ConfigMapColumns()),
          Map.entry(ResourceTypes.SECRETS.qualifiedResource(), new SecretColumns()),
          Map.entry(ResourceTypes.SERVICES.qualifiedResource(), new ServiceColumns()),
          Map.entry(ResourceTypes.ENDPOINTS.qualifiedResource(), new EndpointsColumns()),
          Map.entry(
              ResourceTypes.REPLICATION_CONTROLLERS.qualifiedResource(),
              new ReplicationControllerColumns()),
          Map.entry(ResourceTypes.DEPLOYMENTS.qualifiedResource(), new DeploymentColumns()),
          Map.entry(ResourceTypes.REPLICA_SETS.qualifiedResource(), new ReplicaSetColumns()),
          Map.entry(ResourceTypes.ENDPOINT_SLICES.qualifiedResource(), new EndpointSliceColumns()),
          Map.entry(
              ResourceTypes.POD_DISRUPTION_BUDGETS.qualifiedResource(),
              new PodDisruptionBudgetColumns()),
          Map.entry(
              ResourceTypes.PRIORITY_CLASSES.qualifiedResource(), new PriorityClassColumns()));

  private static final ColumnSet DEFAULT = new DefaultColumns();

  private TableConvertor() {}

  /** The column set of a kind (the default {@code Name, Age} if it has none of its own). */
  public static ColumnSet columnsOf(ResourceType type) {
    return BY_RESOURCE.getOrDefault(type.qualifiedResource(), DEFAULT);
  }

  /**
   * The Table of {@code objects}. {@code listResourceVersion} and {@code continueToken} may be null
   * or empty; {@code includeColumnDefinitions} is false for watch events after the first.
   */
  public static ObjectNode table(
      ResourceType type,
      List<ObjectNode> objects,
      Instant now,
      String listResourceVersion,
      String continueToken,
      boolean includeColumnDefinitions) {
    ColumnSet set = columnsOf(type);
    ObjectNode table = Json.MAPPER.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (listResourceVersion != null && !listResourceVersion.isEmpty()) {
      meta.put("resourceVersion", listResourceVersion);
    }
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (includeColumnDefinitions) {
      for (Column c : set.columns()) {
        ObjectNode d = definitions.addObject();
        d.put("name", c.name());
        d.put("type", c.type());
        d.put("format", c.format());
        d.put("description", c.description());
        d.put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : set.cells(object, now)) {
        cells.addPOJO(cell);
      }
      List<ObjectNode> conditions = set.conditions(object);
      if (!conditions.isEmpty()) {
        row.putArray("conditions").addAll(conditions);
      }
      row.set("object", partialObjectMetadata(object));
    }
    return table;
  }

  /** {@code {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":…}}. */
  public static ObjectNode partialObjectMetadata(ObjectNode object) {
    ObjectNode partial = Json.MAPPER.createObjectNode();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    JsonNode meta = object.get("metadata");
    partial.set("metadata", meta == null ? Json.MAPPER.createObjectNode() : meta.deepCopy());
    return partial;
  }
}
