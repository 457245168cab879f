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

  private static final List<ResourceType> ALL =
      List.of(NAMESPACES, NODES, PODS, EVENTS, CONFIG_MAPS, SECRETS);

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
