package io.akkube.core.patch;

import io.akkube.core.api.ResourceType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code patchStrategy:"merge"} lists of each kind, with their {@code patchMergeKey}, taken
 * from the struct tags of kubernetes/api core/v1, apps/v1 and batch/v1 and apimachinery meta/v1
 * types.go (Kubernetes 1.32). Strategic merge patch merges these lists and replaces every other
 * one.
 *
 * <p>A list is named by the field names from the object root, list items being transparent: the env
 * of any container of a Deployment is {@code spec.template.spec.containers.env}. Adding a kind
 * starts here: without an entry its lists are all replaced.
 */
public final class MergeKeys {

  /** The merge key of a list of primitives that is merged as a set (finalizers, podCIDRs). */
  public static final String PRIMITIVES = "";

  private static final Map<String, MergeKeys> BY_KIND = table();

  private static Map<String, MergeKeys> table() {
    Map<String, MergeKeys> byKind = new HashMap<>();
    MergeKeys metadataOnly = builder().objectMeta("").build();
    for (String kind : new String[] {"Event", "ConfigMap", "Secret", "Endpoints"}) {
      byKind.put(kind, metadataOnly);
    }
    byKind.put("Pod", builder().objectMeta("").podSpec("spec.").podStatus().conditions().build());
    byKind.put(
        "Node",
        builder()
            .objectMeta("")
            .list("spec.podCIDRs", PRIMITIVES)
            .conditions()
            .list("status.addresses", "type")
            .build());
    byKind.put("Namespace", builder().objectMeta("").conditions().build());
    byKind.put("Service", builder().objectMeta("").list("spec.ports", "port").conditions().build());
    byKind.put("PodTemplate", builder().objectMeta("").podTemplate("template.").build());
    MergeKeys workload =
        builder().objectMeta("").podTemplate("spec.template.").conditions().build();
    for (String kind :
        new String[] {
          "ReplicationController",
          "apps/Deployment",
          "apps/ReplicaSet",
          "apps/StatefulSet",
          "apps/DaemonSet",
          "batch/Job"
        }) {
      byKind.put(kind, workload);
    }
    byKind.put(
        "batch/CronJob",
        builder().objectMeta("").podTemplate("spec.jobTemplate.spec.template.").build());
    return Map.copyOf(byKind);
  }

  private final Map<String, String> mergeKeyByPath;

  private MergeKeys(Map<String, String> mergeKeyByPath) {
    this.mergeKeyByPath = Map.copyOf(mergeKeyByPath);
  }

  /** The table for one kind; a kind without entry gets only the ObjectMeta lists. */
  public static MergeKeys forKind(ResourceType type) {
    if (type == null) {
      return BY_KIND.get("ConfigMap");
    }
    String key = type.group().isEmpty() ? type.kind() : type.group() + "/" + type.kind();
    return BY_KIND.getOrDefault(key, BY_KIND.get("ConfigMap"));
  }

  /**
   * How the list at {@code path} is patched: its merge key, {@link #PRIMITIVES} for a set of
   * primitives, or empty when the list is replaced as a whole.
   */
  public Optional<String> mergeKey(String path) {
    return Optional.ofNullable(mergeKeyByPath.get(path));
  }

  private static Builder builder() {
    return new Builder();
  }

  private static final class Builder {
    private final Map<String, String> m = new HashMap<>();

    Builder list(String path, String mergeKey) {
      m.put(path, mergeKey);
      return this;
    }

    /** metav1.ObjectMeta at {@code prefix + "metadata"}. */
    Builder objectMeta(String prefix) {
      return list(prefix + "metadata.ownerReferences", "uid")
          .list(prefix + "metadata.finalizers", PRIMITIVES);
    }

    /** A PodTemplateSpec at {@code prefix}: its metadata and its PodSpec. */
    Builder podTemplate(String prefix) {
      return objectMeta(prefix).podSpec(prefix + "spec.");
    }

    /** A PodSpec at {@code prefix} (ending with a dot). */
    Builder podSpec(String prefix) {
      for (String containers :
          new String[] {"containers", "initContainers", "ephemeralContainers"}) {
        String p = prefix + containers;
        list(p, "name");
        list(p + ".ports", "containerPort");
        list(p + ".env", "name");
        list(p + ".volumeMounts", "mountPath");
        list(p + ".volumeDevices", "devicePath");
      }
      return list(prefix + "volumes", "name")
          .list(prefix + "imagePullSecrets", "name")
          .list(prefix + "hostAliases", "ip")
          .list(prefix + "topologySpreadConstraints", "topologyKey")
          .list(prefix + "schedulingGates", "name")
          .list(prefix + "resourceClaims", "name");
    }

    Builder podStatus() {
      return list("status.podIPs", "ip")
          .list("status.hostIPs", "ip")
          .list("status.resourceClaimStatuses", "name");
    }

    Builder conditions() {
      return list("status.conditions", "type");
    }

    MergeKeys build() {
      return new MergeKeys(m);
    }
  }
}
