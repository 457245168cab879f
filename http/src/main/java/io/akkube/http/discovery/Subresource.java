package io.akkube.http.discovery;

import io.akkube.core.api.ResourceType;
import java.util.List;

/**
 * One subresource of a kind as discovery and OpenAPI list it: {@code pods/eviction} answers with a
 * {@code policy/v1 Eviction}, {@code pods/log} with a Pod's log. The kinds and verbs are those
 * Kubernetes lists; a new subresource name is one more case here.
 */
public record Subresource(
    String name, String group, String version, String kind, List<String> verbs) {

  private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");

  public Subresource {
    verbs = List.copyOf(verbs);
  }

  /** The subresource {@code name} of {@code type}, e.g. ("pods", "status"). */
  public static Subresource of(ResourceType type, String name) {
    return switch (name) {
      case "status" -> same(type, name, GET_PATCH_UPDATE);
      case "scale" -> new Subresource(name, "autoscaling", "v1", "Scale", GET_PATCH_UPDATE);
      case "binding" -> new Subresource(name, "", "v1", "Binding", List.of("create"));
      case "eviction" -> new Subresource(name, "policy", "v1", "Eviction", List.of("create"));
      case "log" -> same(type, name, List.of("get"));
      case "exec", "attach", "portforward" ->
          new Subresource(name, "", "v1", podOptionsKind(name), List.of("create", "get"));
      case "finalize" -> same(type, name, List.of("update"));
      default -> same(type, name, List.of("get"));
    };
  }

  /** The subresources of {@code type}, sorted by name as Kubernetes lists them. */
  public static List<Subresource> of(ResourceType type) {
    return type.subresources().stream().sorted().map(n -> of(type, n)).toList();
  }

  /** {@code v1} or {@code policy/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /**
   * Whether the answer has the kind of the parent resource (discovery then omits group/version).
   */
  public boolean sameGroupVersionAs(ResourceType type) {
    return group.equals(type.group()) && version.equals(type.version());
  }

  private static Subresource same(ResourceType type, String name, List<String> verbs) {
    return new Subresource(name, type.group(), type.version(), type.kind(), verbs);
  }

  private static String podOptionsKind(String name) {
    return switch (name) {
      case "exec" -> "PodExecOptions";
      case "attach" -> "PodAttachOptions";
      default -> "PodPortForwardOptions";
    };
  }
}
