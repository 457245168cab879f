package io.akkube.http.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The strategic-merge-patch directives Kubernetes publishes in OpenAPI ({@code
 * x-kubernetes-patch-strategy}, {@code x-kubernetes-patch-merge-key}); client-java's annotations
 * lack them, and kubectl apply reads them from /openapi/v3 to build its patches. One line per list
 * field that merges instead of being replaced.
 */
final class PatchStrategies {

  private record Directive(String strategy, String mergeKey) {}

  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";

  private static final Map<String, Directive> BY_FIELD =
      Map.ofEntries(
          Map.entry(DefinitionNames.META + "ObjectMeta.finalizers", new Directive("merge", null)),
          Map.entry(
              DefinitionNames.META + "ObjectMeta.ownerReferences", new Directive("merge", "uid")),
          Map.entry(CORE + "PodSpec.containers", new Directive("merge", "name")),
          Map.entry(CORE + "PodSpec.initContainers", new Directive("merge", "name")),
          Map.entry(CORE + "PodSpec.ephemeralContainers", new Directive("merge", "name")),
          Map.entry(CORE + "PodSpec.volumes", new Directive("merge,retainKeys", "name")),
          Map.entry(CORE + "PodSpec.imagePullSecrets", new Directive("merge", "name")),
          Map.entry(CORE + "PodSpec.hostAliases", new Directive("merge", "ip")),
          Map.entry(CORE + "Container.env", new Directive("merge", "name")),
          Map.entry(CORE + "Container.ports", new Directive("merge", "containerPort")),
          Map.entry(CORE + "Container.volumeMounts", new Directive("merge", "mountPath")),
          Map.entry(CORE + "Container.volumeDevices", new Directive("merge", "devicePath")),
          Map.entry(CORE + "PodStatus.conditions", new Directive("merge", "type")),
          Map.entry(CORE + "PodStatus.podIPs", new Directive("merge", "ip")),
          Map.entry(CORE + "NodeSpec.podCIDRs", new Directive("merge", null)),
          Map.entry(CORE + "NodeStatus.conditions", new Directive("merge", "type")),
          Map.entry(CORE + "NodeStatus.addresses", new Directive("merge", "type")),
          Map.entry(CORE + "NamespaceStatus.conditions", new Directive("merge", "type")),
          Map.entry(CORE + "ServiceSpec.ports", new Directive("merge", "port")),
          Map.entry(APPS + "DeploymentSpec.strategy", new Directive("retainKeys", null)),
          Map.entry(APPS + "DeploymentStatus.conditions", new Directive("merge", "type")),
          Map.entry(APPS + "ReplicaSetStatus.conditions", new Directive("merge", "type")));

  private PatchStrategies() {}

  /** Adds the directives of {@code definition.field}, if it has any, to its property schema. */
  static void annotate(String definition, String field, ObjectNode property) {
    Directive d = BY_FIELD.get(definition + "." + field);
    if (d == null) {
      return;
    }
    if (d.mergeKey() != null) {
      property.put("x-kubernetes-patch-merge-key", d.mergeKey());
    }
    property.put("x-kubernetes-patch-strategy", d.strategy());
  }
}
