package io.akkube.core.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every resource kind akkube serves. Adding a kind starts here. */
public final class ResourceTypes {

  public static final ResourceType NAMESPACES =
      new ResourceType(
          "",
          "v1",
          "Namespace",
          "namespaces",
          "namespace",
          false,
          List.of("ns"),
          List.of(),
          Set.of("status", "finalize"));
  public static final ResourceType NODES =
      new ResourceType(
          "", "v1", "Node", "nodes", "node", false, List.of("no"), List.of(), Set.of("status"));
  public static final ResourceType PODS =
      new ResourceType(
          "",
          "v1",
          "Pod",
          "pods",
          "pod",
          true,
          List.of("po"),
          List.of("all"),
          Set.of("status", "binding", "eviction", "log", "exec"));
  public static final ResourceType EVENTS =
      new ResourceType(
          "", "v1", "Event", "events", "event", true, List.of("ev"), List.of(), Set.of());
  public static final ResourceType CONFIG_MAPS =
      new ResourceType(
          "",
          "v1",
          "ConfigMap",
          "configmaps",
          "configmap",
          true,
          List.of("cm"),
          List.of(),
          Set.of());
  public static final ResourceType SECRETS =
      new ResourceType(
          "", "v1", "Secret", "secrets", "secret", true, List.of(), List.of(), Set.of());

  public static final ResourceType SERVICES =
      new ResourceType(
          "",
          "v1",
          "Service",
          "services",
          "service",
          true,
          List.of("svc"),
          List.of("all"),
          Set.of("status"));
  public static final ResourceType ENDPOINTS =
      new ResourceType(
          "",
          "v1",
          "Endpoints",
          "endpoints",
          "endpoints",
          true,
          List.of("ep"),
          List.of(),
          Set.of());
  public static final ResourceType REPLICATION_CONTROLLERS =
      new ResourceType(
          "",
          "v1",
          "ReplicationController",
          "replicationcontrollers",
          "replicationcontroller",
          true,
          List.of("rc"),
          List.of("all"),
          Set.of("status", "scale"));
  public static final ResourceType DEPLOYMENTS =
      new ResourceType(
          "apps",
          "v1",
          "Deployment",
          "deployments",
          "deployment",
          true,
          List.of("deploy"),
          List.of("all"),
          Set.of("status", "scale"));
  public static final ResourceType REPLICA_SETS =
      new ResourceType(
          "apps",
          "v1",
          "ReplicaSet",
          "replicasets",
          "replicaset",
          true,
          List.of("rs"),
          List.of("all"),
          Set.of("status", "scale"));
  public static final ResourceType ENDPOINT_SLICES =
      new ResourceType(
          "discovery.k8s.io",
          "v1",
          "EndpointSlice",
          "endpointslices",
          "endpointslice",
          true,
          List.of(),
          List.of(),
          Set.of());
  public static final ResourceType POD_DISRUPTION_BUDGETS =
      new ResourceType(
          "policy",
          "v1",
          "PodDisruptionBudget",
          "poddisruptionbudgets",
          "poddisruptionbudget",
          true,
          List.of("pdb"),
          List.of(),
          Set.of("status"));
  public static final ResourceType PRIORITY_CLASSES =
      new ResourceType(
          "scheduling.k8s.io",
          "v1",
          "PriorityClass",
          "priorityclasses",
          "priorityclass",
          false,
          List.of("pc"),
          List.of(),
          Set.of());

  private static final List<ResourceType> ALL =
      List.of(
          NAMESPACES,
          NODES,
          PODS,
          EVENTS,
          CONFIG_MAPS,
          SECRETS,
          SERVICES,
          ENDPOINTS,
          REPLICATION_CONTROLLERS,
          DEPLOYMENTS,
          REPLICA_SETS,
          ENDPOINT_SLICES,
          POD_DISRUPTION_BUDGETS,
          PRIORITY_CLASSES);

  private static final Map<String, ResourceType> BY_GROUP_VERSION_PLURAL;

  static {
    Map<String, ResourceType> m = new LinkedHashMap<>();
    for (ResourceType t : ALL) {
      m.put(t.apiVersion() + "/" + t.plural(), t);
    }
    BY_GROUP_VERSION_PLURAL = Collections.unmodifiableMap(m);
  }

  private ResourceTypes() {}

  public static List<ResourceType> all() {
    return ALL;
  }

  public static Optional<ResourceType> find(String group, String version, String plural) {
    String apiVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.ofNullable(BY_GROUP_VERSION_PLURAL.get(apiVersion + "/" + plural));
  }

  public static Optional<ResourceType> byKind(String apiVersion, String kind) {
    return ALL.stream()
        .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst();
  }

  /** The API groups served, "" being the legacy core group. */
  public static List<String> groups() {
    List<String> groups = new ArrayList<>();
    for (ResourceType t : ALL) {
      if (!groups.contains(t.group())) {
        groups.add(t.group());
      }
    }
    return groups;
  }

  public static List<ResourceType> inGroupVersion(String group, String version) {
    return ALL.stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version))
        .toList();
  }
}
