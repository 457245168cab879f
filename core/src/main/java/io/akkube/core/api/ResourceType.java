package io.akkube.core.api;

import java.util.List;
import java.util.Set;

/**
 * What the API knows of one resource kind: its group/version/kind, URL name, scope, short names,
 * verbs and subresources. {@link ResourceTypes} lists every kind akkube serves.
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources) {

  public static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  public ResourceType {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    subresources = Set.copyOf(subresources);
  }

  /** {@code v1} or {@code apps/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code pods} or {@code deployments.apps}, as Kubernetes names a resource in messages. */
  public String qualifiedResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The entity-type and journal-tag name of this kind: unique across groups. */
  public String entityTypeName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  public String listKind() {
    return kind + "List";
  }

  /** The entity id of one object: {@code namespace/name}, or {@code name} when cluster-scoped. */
  public String entityId(String namespace, String name) {
    return namespaced ? namespace + "/" + name : name;
  }

  public boolean hasStatus() {
    return subresources.contains("status");
  }
}
