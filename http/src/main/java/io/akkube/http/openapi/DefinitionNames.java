package io.akkube.http.openapi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' OpenAPI definition names for client-java model classes: {@code V1Pod} is {@code
 * io.k8s.api.core.v1.Pod}, {@code V1ObjectMeta} is {@code
 * io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. client-java drops the Go package from its class
 * names, so the package comes back from the class' role: an explicit group prefix ({@code
 * CoreV1Event}), the meta/v1 types, or the kind family it belongs to (everything named after
 * Deployment is apps). Everything else is core, which holds for the kinds akkube serves.
 */
final class DefinitionNames {

  static final String MODELS = "io.kubernetes.client.openapi.models.";
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

  /** {@code V1Pod}, {@code CoreV1Event}, {@code V1beta1CronJob}: [group prefix] V version Kind. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("^([A-Z][a-z]+)?V(\\d+(?:alpha\\d+|beta\\d+)?)([A-Z]\\w*)$");

  private static final Set<String> META_TYPES =
      Set.of(
          "APIGroup",
          "APIGroupList",
          "APIResource",
          "APIResourceList",
          "APIVersions",
          "Condition",
          "DeleteOptions",
          "GroupVersionForDiscovery",
          "LabelSelector",
          "LabelSelectorRequirement",
          "ListMeta",
          "ManagedFieldsEntry",
          "ObjectMeta",
          "OwnerReference",
          "Patch",
          "Preconditions",
          "ServerAddressByClientCIDR",
          "Status",
          "StatusCause",
          "StatusDetails",
          "WatchEvent");

  /** Kind families outside core, by the name their types start with. */
  private static final Map<String, String> GROUP_BY_PREFIX = new LinkedHashMap<>();

  /** Single types outside core that share no family prefix. */
  private static final Map<String, String> GROUP_BY_TYPE =
      Map.of(
          "Scale", "autoscaling",
          "ScaleSpec", "autoscaling",
          "ScaleStatus", "autoscaling",
          "Eviction", "policy");

  static {
    for (String apps :
        new String[] {
          "Deployment",
          "ReplicaSet",
          "StatefulSet",
          "DaemonSet",
          "ControllerRevision",
          "RollingUpdate"
        }) {
      GROUP_BY_PREFIX.put(apps, "apps");
    }
  }

  private DefinitionNames() {}

  /** The definition name of a model class, e.g. {@code io.k8s.api.core.v1.PodSpec}. */
  static String of(Class<?> model) {
    Matcher m = CLASS_NAME.matcher(model.getSimpleName());
    if (!m.matches()) {
      return "io.k8s.api.core.v1." + model.getSimpleName();
    }
    String prefix = m.group(1);
    String version = "v" + m.group(2);
    String type = m.group(3);
    String pkg;
    if (prefix != null) {
      pkg = "io.k8s.api." + prefix.toLowerCase() + ".";
    } else if (META_TYPES.contains(type)) {
      return META + type;
    } else {
      pkg = "io.k8s.api." + groupOf(type).split("\\.")[0] + ".";
    }
    return pkg + version + "." + type;
  }

  private static String groupOf(String type) {
    String exact = GROUP_BY_TYPE.get(type);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, String> e : GROUP_BY_PREFIX.entrySet()) {
      if (type.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "core";
  }

  /**
   * The model class of a kind, if client-java has one: {@code CoreV1Event} before {@code V1Event}
   * (client-java prefixes a kind's class with its group when two groups have that kind).
   */
  static Optional<Class<?>> modelClass(String group, String version, String kind) {
    String v = "V" + version.substring(1);
    String groupPrefix = group.isEmpty() ? "Core" : capitalize(group.split("\\.")[0]);
    for (String candidate : new String[] {groupPrefix + v + kind, v + kind}) {
      try {
        return Optional.of(
            Class.forName(MODELS + candidate, false, DefinitionNames.class.getClassLoader()));
      } catch (ClassNotFoundException | LinkageError e) {
        // not this spelling
      }
    }
    return Optional.empty();
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
