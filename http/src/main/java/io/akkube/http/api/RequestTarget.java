package io.akkube.http.api;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import java.util.List;
import java.util.Optional;

/**
 * What a Kubernetes resource path names: {@code /api/v1/namespaces/dev/pods/web/status} is kind
 * pods, namespace dev, name web, subresource status. Name and namespace are null when absent.
 */
record RequestTarget(ResourceType type, String namespace, String name, String subresource) {

  boolean isCollection() {
    return name == null;
  }

  /**
   * Parses the segments after {@code /api/v1} or {@code /apis/g/v}; empty when no served kind
   * matches.
   */
  static Optional<RequestTarget> parse(String group, String version, List<String> rest) {
    int n = rest.size();
    if (n == 0) {
      return Optional.empty();
    }
    if (rest.get(0).equals("namespaces") && n >= 3) {
      String ns = rest.get(1);
      if (n == 3 && (rest.get(2).equals("status") || rest.get(2).equals("finalize"))) {
        return named(group, version, "namespaces", null, ns, rest.get(2));
      }
      return named(
              group,
              version,
              rest.get(2),
              ns,
              n >= 4 ? rest.get(3) : null,
              n >= 5 ? rest.get(4) : null)
          .filter(t -> t.type().namespaced() && n <= 5);
    }
    if (n > 3) {
      return Optional.empty();
    }
    return named(
            group,
            version,
            rest.get(0),
            null,
            n >= 2 ? rest.get(1) : null,
            n >= 3 ? rest.get(2) : null)
        .filter(t -> !t.type().namespaced() || t.name() == null);
  }

  private static Optional<RequestTarget> named(
      String group, String version, String plural, String namespace, String name, String sub) {
    return ResourceTypes.find(group, version, plural)
        .map(type -> new RequestTarget(type, namespace, name, sub));
  }
}
