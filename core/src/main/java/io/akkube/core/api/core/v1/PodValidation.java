package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.quantity.Quantity;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pod validation as pkg/apis/core/validation (ValidatePodCreate, ValidatePodSpec,
 * ValidatePodUpdate, ValidatePodStatusUpdate), on a defaulted pod. Metadata is validated by the
 * object lifecycle ({@link MetadataValidation}); here only the pod-specific annotations are.
 */
public final class PodValidation {

  public static final String POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
  public static final String MIRROR_POD = "kubernetes.io/config.mirror";

  static final String UPDATABLE_FIELDS =
      String.join(
          ",",
          "`spec.containers[*].image`",
          "`spec.initContainers[*].image`",
          "`spec.activeDeadlineSeconds`",
          "`spec.tolerations` (only additions to existing tolerations)",
          "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously"
              + " negative)");

  private static final long MAX_INT32 = Integer.MAX_VALUE;
  private static final List<String> PORT_PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> DNS_POLICIES =
      List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  private static final List<String> TERMINATION_MESSAGE_POLICIES =
      List.of("File", "FallbackToLogsOnError");
  private static final List<String> TAINT_EFFECTS =
      List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final List<String> HTTP_SCHEMES = List.of("HTTP", "HTTPS");
  private static final List<String> PREEMPTION_POLICIES = List.of("PreemptLowerPriority", "Never");
  private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
  private static final List<String> LIFECYCLE_HANDLERS =
      List.of("exec", "httpGet", "tcpSocket", "sleep");
  private static final List<String> ENV_FIELD_PATHS =
      List.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");
  private static final Set<String> CONVERTIBLE_FIELD_PATHS =
      Set.of(
          "metadata.annotations",
          "metadata.labels",
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.restartPolicy",
          "spec.serviceAccountName",
          "spec.schedulerName",
          "status.phase",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");
  private static final List<String> RESOURCE_FIELD_PATHS =
      List.of(
          "limits.cpu",
          "limits.ephemeral-storage",
          "limits.memory",
          "requests.cpu",
          "requests.ephemeral-storage",
          "requests.memory");
  private static final Set<String> STANDARD_CONTAINER_RESOURCES =
      Set.of("cpu", "memory", "ephemeral-storage");
  private static final Set<String> SYSTEM_CONDITIONS =
      Set.of("PodScheduled", "Ready", "Initialized");

  private PodValidation() {}

  /** ValidatePodCreate without the metadata part. */
  public static List<FieldError> validatePodCreate(ObjectNode pod) {
    List<FieldError> errs = validatePodSpecAndAnnotations(pod);
    JsonNode spec = pod.path("spec");
    if (!Trees.isEmpty(spec.get("ephemeralContainers"))) {
      errs.add(FieldError.forbidden("spec.ephemeralContainers", "cannot be set on create"));
    }
    if (!Trees.text(spec, "nodeName").isEmpty() && !Trees.isEmpty(spec.get("schedulingGates"))) {
      errs.add(
          FieldError.forbidden(
              "spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
    }
    return errs;
  }

  /** ValidatePodUpdate without the metadata part: only images, deadlines and tolerations change. */
  public static List<FieldError> validatePodUpdate(ObjectNode newPod, ObjectNode oldPod) {
    List<FieldError> errs = validatePodSpecAndAnnotations(newPod);
    errs.addAll(validateAnnotationUpdates(newPod, oldPod));
    ObjectNode spec = specOf(newPod);
    ObjectNode oldSpec = specOf(oldPod);
    for (String list : List.of("containers", "initContainers")) {
      List<ObjectNode> now = Trees.objects(spec, list);
      List<ObjectNode> before = Trees.objects(oldSpec, list);
      if (now.size() != before.size()) {
        errs.add(
            FieldError.forbidden("spec." + list, "pod updates may not add or remove containers"));
        return errs;
      }
      for (int i = 0; i < now.size(); i++) {
        String image = Trees.text(now.get(i), "image");
        String path = "spec." + list + "[" + i + "].image";
        if (image.isEmpty()) {
          errs.add(FieldError.required(path, ""));
        }
        if (!image.strip().equals(image)) {
          errs.add(FieldError.invalid(path, image, "must not have leading or trailing whitespace"));
        }
      }
    }
    JsonNode deadline = spec.get("activeDeadlineSeconds");
    JsonNode oldDeadline = oldSpec.get("activeDeadlineSeconds");
    if (deadline != null && !deadline.isNull()) {
      long value = deadline.asLong();
      if (value < 0 || value > MAX_INT32) {
        errs.add(
            FieldError.invalid(
                "spec.activeDeadlineSeconds",
                value,
                NameValidation.inclusiveRangeError(0, MAX_INT32)));
        return errs;
      }
      if (oldDeadline != null && !oldDeadline.isNull() && oldDeadline.asLong() < value) {
        errs.add(
            FieldError.invalid(
                "spec.activeDeadlineSeconds",
                value,
                "must be less than or equal to previous value"));
        return errs;
      }
    } else if (oldDeadline != null && !oldDeadline.isNull()) {
      errs.add(
          FieldError.invalid(
              "spec.activeDeadlineSeconds",
              null,
              "must not update from a positive integer to nil value"));
    }
    errs.addAll(
        validateOnlyAddedTolerations(spec.path("tolerations"), oldSpec.path("tolerations")));
    errs.addAll(
        validateOnlyDeletedSchedulingGates(
            spec.path("schedulingGates"), oldSpec.path("schedulingGates")));
    if (Trees.semanticEquals(spec, oldSpec)) {
      return errs;
    }
    ObjectNode munged = spec.deepCopy();
    for (String list : List.of("containers", "initContainers")) {
      List<ObjectNode> now = Trees.objects(munged, list);
      List<ObjectNode> before = Trees.objects(oldSpec, list);
      for (int i = 0; i < now.size() && i < before.size(); i++) {
        copyField(before.get(i), now.get(i), "image");
      }
    }
    copyField(oldSpec, munged, "activeDeadlineSeconds");
    copyField(oldSpec, munged, "schedulingGates");
    copyField(oldSpec, munged, "tolerations");
    long oldGrace = oldSpec.path("terminationGracePeriodSeconds").asLong(0);
    if (oldGrace < 0 && munged.path("terminationGracePeriodSeconds").asLong(0) == 1) {
      copyField(oldSpec, munged, "terminationGracePeriodSeconds");
    }
    if (!Trees.semanticEquals(munged, oldSpec)) {
      errs.add(
          FieldError.forbidden(
              "spec",
              "pod updates may not change fields other than "
                  + UPDATABLE_FIELDS
                  + "\n"
                  + JsonDiff.describe("spec", oldSpec, munged)));
    }
    return errs;
  }

  /** ValidatePodStatusUpdate without the metadata part. */
  public static List<FieldError> validatePodStatusUpdate(ObjectNode newPod, ObjectNode oldPod) {
    List<FieldError> errs = validateAnnotationUpdates(newPod, oldPod);
    int i = 0;
    for (ObjectNode condition : Trees.objects(newPod.path("status"), "conditions")) {
      String type = Trees.text(condition, "type");
      if (!SYSTEM_CONDITIONS.contains(type)) {
        // Kubernetes reports these under metadata.conditions.
        for (String msg : NameValidation.isQualifiedName(type)) {
          errs.add(FieldError.invalid("metadata.conditions[" + i + "].Type", type, msg));
        }
      }
      i++;
    }
    if (!Trees.text(newPod.path("spec"), "nodeName")
        .equals(Trees.text(oldPod.path("spec"), "nodeName"))) {
      errs.add(FieldError.forbidden("status.nodeName", "may not be changed directly"));
    }
    String nominated = Trees.text(newPod.path("status"), "nominatedNodeName");
    if (!nominated.isEmpty()
        && !nominated.equals(Trees.text(oldPod.path("status"), "nominatedNodeName"))) {
      for (String msg : NameValidation.isDNS1123Subdomain(nominated)) {
        errs.add(FieldError.invalid("status.nominatedNodeName", nominated, msg));
      }
    }
    String qos = Trees.text(newPod.path("status"), "qosClass");
    String oldQos = Trees.text(oldPod.path("status"), "qosClass");
    if (!qos.equals(oldQos)) {
      errs.add(FieldError.invalid("status.qosClass", qos, MetadataValidation.FIELD_IMMUTABLE));
    }
    String restartPolicy = Trees.text(oldPod.path("spec"), "restartPolicy");
    errs.addAll(
        containerStateTransitions(newPod, oldPod, "containerStatuses", restartPolicy, Set.of()));
    Set<String> restartableInit = new HashSet<>();
    for (ObjectNode c : Trees.objects(oldPod.path("spec"), "initContainers")) {
      if (Trees.text(c, "restartPolicy").equals("Always")) {
        restartableInit.add(Trees.text(c, "name"));
      }
    }
    errs.addAll(
        containerStateTransitions(
            newPod, oldPod, "initContainerStatuses", restartPolicy, restartableInit));
    errs.addAll(
        containerStateTransitions(newPod, oldPod, "ephemeralContainerStatuses", "Never", Set.of()));
    return errs;
  }

  /** ValidatePodSpec for a pod's own spec. */
  public static List<FieldError> validatePodSpec(JsonNode spec, String path) {
    return validatePodSpec(spec, path, true);
  }

  /**
   * ValidatePodSpec: everything a pod spec must satisfy. A template's spec ({@code resourceIsPod}
   * false) may leave hostPort 0 under hostNetwork, as it is defaulted when the pod is created.
   */
  public static List<FieldError> validatePodSpec(
      JsonNode spec, String path, boolean resourceIsPod) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode grace = spec.get("terminationGracePeriodSeconds");
    if (grace == null || grace.isNull()) {
      errs.add(FieldError.required(path + ".terminationGracePeriodSeconds", ""));
    }
    Long gracePeriod = grace == null || grace.isNull() ? null : grace.asLong();
    Map<String, ObjectNode> volumes = validateVolumes(spec, path + ".volumes", errs);
    String restartPolicy = Trees.text(spec, "restartPolicy");
    errs.addAll(validateContainers(spec, volumes, gracePeriod, path + ".containers"));
    errs.addAll(validateInitContainers(spec, volumes, gracePeriod, path + ".initContainers"));
    errs.addAll(validateHostNetworkPorts(spec, path, resourceIsPod));
    errs.addAll(enumValue(restartPolicy, path + ".restartPolicy", RESTART_POLICIES));
    errs.addAll(enumValue(Trees.text(spec, "dnsPolicy"), path + ".dnsPolicy", DNS_POLICIES));
    errs.addAll(
        MetadataValidation.validateLabels(spec.path("nodeSelector"), path + ".nodeSelector"));
    errs.addAll(validateSecurityContext(spec.path("securityContext"), path + ".securityContext"));
    errs.addAll(validateDnsConfig(spec, path + ".dnsConfig"));
    int i = 0;
    for (ObjectNode gate : Trees.objects(spec, "readinessGates")) {
      qualifiedName(
          Trees.text(gate, "conditionType"),
          path + ".readinessGates[" + i++ + "].conditionType",
          errs);
    }
    Set<String> seenGates = new HashSet<>();
    i = 0;
    for (ObjectNode gate : Trees.objects(spec, "schedulingGates")) {
      String name = Trees.text(gate, "name");
      String gatePath = path + ".schedulingGates[" + i++ + "]";
      qualifiedName(name, gatePath, errs);
      if (!seenGates.add(name)) {
        errs.add(FieldError.duplicate(gatePath, name));
      }
    }
    subdomainIfSet(spec, "serviceAccountName", path, errs);
    subdomainIfSet(spec, "nodeName", path, errs);
    JsonNode deadline = spec.get("activeDeadlineSeconds");
    if (deadline != null && !deadline.isNull()) {
      long value = deadline.asLong();
      if (value < 1 || value > MAX_INT32) {
        errs.add(
            FieldError.invalid(
                path + ".activeDeadlineSeconds",
                value,
                NameValidation.inclusiveRangeError(1, MAX_INT32)));
      }
    }
    for (String field : List.of("hostname", "subdomain")) {
      String value = Trees.text(spec, field);
      if (!value.isEmpty()) {
        for (String msg : NameValidation.isDNS1123Label(value)) {
          errs.add(FieldError.invalid(path + "." + field, value, msg));
        }
      }
    }
    errs.addAll(validateTolerations(spec.path("tolerations"), path + ".tolerations"));
    subdomainIfSet(spec, "priorityClassName", path, errs);
    if (Trees.has(spec, "runtimeClassName")) {
      String value = Trees.text(spec, "runtimeClassName");
      for (String msg : NameValidation.isDNS1123Subdomain(value)) {
        errs.add(FieldError.invalid(path + ".runtimeClassName", value, msg));
      }
    }
    if (Trees.has(spec, "preemptionPolicy")) {
      errs.addAll(
          enumValue(
              Trees.text(spec, "preemptionPolicy"),
              path + ".preemptionPolicy",
              PREEMPTION_POLICIES));
    }
    return errs;
  }

  /** ValidateTolerations. */
  public static List<FieldError> validateTolerations(JsonNode tolerations, String path) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (JsonNode t : tolerations) {
      String idx = path + "[" + i++ + "]";
      String key = Trees.text(t, "key");
      String operator = Trees.text(t, "operator");
      String effect = Trees.text(t, "effect");
      String value = Trees.text(t, "value");
      if (!key.isEmpty()) {
        qualifiedName(key, idx + ".key", errs);
      }
      if (key.isEmpty() && !operator.equals("Exists")) {
        errs.add(
            FieldError.invalid(
                idx + ".operator",
                operator,
                "operator must be Exists when `key` is empty, which means \"match all values and"
                    + " all keys\""));
      }
      if (Trees.has(t, "tolerationSeconds") && !effect.equals("NoExecute")) {
        errs.add(
            FieldError.invalid(
                idx + ".effect",
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
      switch (operator) {
        case "Equal", "" -> {
          List<String> msgs = NameValidation.isValidLabelValue(value);
          if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(idx + ".operator", value, String.join(";", msgs)));
          }
        }
        case "Exists" -> {
          if (!value.isEmpty()) {
            errs.add(
                FieldError.invalid(
                    idx + ".operator", value, "value must be empty when `operator` is 'Exists'"));
          }
        }
        default ->
            errs.add(
                FieldError.notSupported(idx + ".operator", operator, List.of("Equal", "Exists")));
      }
      if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
        errs.add(FieldError.notSupported(idx + ".effect", effect, TAINT_EFFECTS));
      }
    }
    return errs;
  }

  /** ValidateContainerResourceRequirements: names, quantities, and requests within limits. */
  public static List<FieldError> validateResourceRequirements(JsonNode resources, String path) {
    List<FieldError> errs = new ArrayList<>();
    String limPath = path + ".limits";
    String reqPath = path + ".requests";
    Map<String, Quantity> limits = new HashMap<>();
    boolean limitsHugePages = false;
    boolean limitsCpuOrMemory = false;
    for (Map.Entry<String, JsonNode> e : Trees.entries(resources, "limits")) {
      String name = e.getKey();
      String fld = limPath + "[" + name + "]";
      errs.addAll(validateContainerResourceName(name, fld));
      Quantity q = quantity(e.getValue(), fld, errs);
      if (q != null) {
        errs.addAll(validateResourceQuantityValue(name, q, fld));
        limits.put(name, q);
      }
      limitsHugePages |= name.startsWith("hugepages-");
      limitsCpuOrMemory |= name.equals("cpu") || name.equals("memory");
    }
    boolean requestsHugePages = false;
    for (Map.Entry<String, JsonNode> e : Trees.entries(resources, "requests")) {
      String name = e.getKey();
      String fld = reqPath + "[" + name + "]";
      errs.addAll(validateContainerResourceName(name, fld));
      Quantity q = quantity(e.getValue(), fld, errs);
      if (q == null) {
        continue;
      }
      errs.addAll(validateResourceQuantityValue(name, q, fld));
      Quantity limit = limits.get(name);
      if (limit != null) {
        if (q.compareTo(limit) != 0 && !isOvercommitAllowed(name)) {
          errs.add(
              FieldError.invalid(
                  reqPath, q.toString(), "must be equal to " + name + " limit of " + limit));
        } else if (q.compareTo(limit) > 0) {
          errs.add(
              FieldError.invalid(
                  reqPath,
                  q.toString(),
                  "must be less than or equal to " + name + " limit of " + limit));
        }
      }
      requestsHugePages |= name.startsWith("hugepages-");
    }
    if (!limitsCpuOrMemory && (limitsHugePages || requestsHugePages)) {
      errs.add(FieldError.forbidden(path, "HugePages require cpu or memory"));
    }
    return errs;
  }

  private static List<FieldError> validatePodSpecAndAnnotations(ObjectNode pod) {
    List<FieldError> errs = new ArrayList<>(validatePodAnnotations(pod));
    JsonNode spec = pod.path("spec");
    errs.addAll(validatePodSpec(spec, "spec"));
    if (Trees.text(spec, "serviceAccountName").isEmpty()) {
      int vi = 0;
      for (ObjectNode volume : Trees.objects(spec, "volumes")) {
        int si = 0;
        for (ObjectNode source : Trees.objects(Trees.object(volume, "projected"), "sources")) {
          if (Trees.has(source, "serviceAccountToken")) {
            errs.add(
                FieldError.forbidden(
                    "spec.volumes[" + vi + "].projected.sources[" + si + "].serviceAccountToken",
                    "must not be specified when serviceAccountName is not set"));
          }
          si++;
        }
        vi++;
      }
    }
    for (String list : List.of("containers", "initContainers")) {
      int i = 0;
      for (ObjectNode c : Trees.objects(spec, list)) {
        String image = Trees.text(c, "image");
        if (!image.strip().equals(image)) {
          errs.add(
              FieldError.invalid(
                  "spec." + list + "[" + i + "].image",
                  image,
                  "must not have leading or trailing whitespace"));
        }
        i++;
      }
    }
    return errs;
  }

  private static List<FieldError> validatePodAnnotations(ObjectNode pod) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode annotations = pod.path("metadata").path("annotations");
    String path = "metadata.annotations";
    if (annotations.has(MIRROR_POD) && Trees.text(pod.path("spec"), "nodeName").isEmpty()) {
      errs.add(
          FieldError.invalid(
              path + "[" + MIRROR_POD + "]",
              annotations.get(MIRROR_POD).asText(),
              "must set spec.nodeName if mirror pod annotation is set"));
    }
    if (annotations.has(POD_DELETION_COST)) {
      String cost = annotations.get(POD_DELETION_COST).asText();
      try {
        Integer.parseInt(cost);
      } catch (NumberFormatException e) {
        errs.add(
            FieldError.invalid(
                path + "[" + POD_DELETION_COST + "]", cost, "must be a 32bit integer"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateAnnotationUpdates(ObjectNode newPod, ObjectNode oldPod) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode now = newPod.path("metadata").path("annotations");
    JsonNode before = oldPod.path("metadata").path("annotations");
    String path = "metadata.annotations[" + MIRROR_POD + "]";
    if (before.has(MIRROR_POD) && !before.get(MIRROR_POD).equals(now.get(MIRROR_POD))) {
      errs.add(FieldError.forbidden(path, "may not remove or update mirror pod annotation"));
    }
    if (!before.has(MIRROR_POD) && now.has(MIRROR_POD)) {
      errs.add(FieldError.forbidden(path, "may not add mirror pod annotation"));
    }
    return errs;
  }

  private static Map<String, ObjectNode> validateVolumes(
      JsonNode spec, String path, List<FieldError> errs) {
    Map<String, ObjectNode> volumes = new HashMap<>();
    int i = 0;
    for (ObjectNode volume : Trees.objects(spec, "volumes")) {
      String idx = path + "[" + i++ + "]";
      String name = Trees.text(volume, "name");
      List<FieldError> el = validateVolumeSource(volume, idx);
      if (name.isEmpty()) {
        el.add(FieldError.required(idx + ".name", ""));
      } else {
        for (String msg : NameValidation.isDNS1123Label(name)) {
          el.add(FieldError.invalid(idx + ".name", name, msg));
        }
      }
      if (volumes.containsKey(name)) {
        el.add(FieldError.duplicate(idx + ".name", name));
      }
      if (el.isEmpty()) {
        volumes.put(name, volume);
      } else {
        errs.addAll(el);
      }
    }
    return volumes;
  }

  private static List<FieldError> validateVolumeSource(ObjectNode volume, String path) {
    List<FieldError> errs = new ArrayList<>();
    int sources = 0;
    for (var it = volume.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("name") || e.getValue().isNull()) {
        continue;
      }
      if (sources > 0) {
        errs.add(
            FieldError.forbidden(
                path + "." + e.getKey(), "may not specify more than 1 volume type"));
        continue;
      }
      sources++;
      JsonNode s = e.getValue();
      String sp = path + "." + e.getKey();
      switch (e.getKey()) {
        case "secret" -> {
          if (Trees.text(s, "secretName").isEmpty()) {
            errs.add(FieldError.required(sp + ".secretName", ""));
          }
          errs.addAll(validateFileModes(s, sp));
        }
        case "configMap" -> {
          if (Trees.text(s, "name").isEmpty()) {
            errs.add(FieldError.required(sp + ".name", ""));
          }
          errs.addAll(validateFileModes(s, sp));
        }
        case "hostPath" -> {
          String hostPath = Trees.text(s, "path");
          if (hostPath.isEmpty()) {
            errs.add(FieldError.required(sp + ".path", ""));
          } else if (List.of(hostPath.split("/")).contains("..")) {
            errs.add(FieldError.invalid(sp + ".path", hostPath, "must not contain '..'"));
          }
        }
        case "persistentVolumeClaim" -> {
          if (Trees.text(s, "claimName").isEmpty()) {
            errs.add(FieldError.required(sp + ".claimName", ""));
          }
        }
        case "emptyDir" -> {
          JsonNode limit = s.get("sizeLimit");
          if (limit != null && !limit.isNull()) {
            Quantity q = quantity(limit, sp + ".sizeLimit", errs);
            if (q != null && q.signum() < 0) {
              errs.add(
                  FieldError.forbidden(
                      sp + ".sizeLimit", "SizeLimit field must be a valid resource quantity"));
            }
          }
        }
        default -> {}
      }
    }
    if (sources == 0) {
      errs.add(FieldError.required(path, "must specify a volume type"));
    }
    return errs;
  }

  private static List<FieldError> validateFileModes(JsonNode source, String path) {
    List<FieldError> errs = new ArrayList<>();
    String modeError = "must be a number between 0 and 0777 (octal), both inclusive";
    JsonNode mode = source.get("defaultMode");
    if (mode != null && !mode.isNull() && (mode.asLong() < 0 || mode.asLong() > 0777)) {
      errs.add(FieldError.invalid(path + ".defaultMode", mode.asLong(), modeError));
    }
    int i = 0;
    for (ObjectNode item : Trees.objects(source, "items")) {
      String ip = path + ".items[" + i++ + "]";
      if (Trees.text(item, "key").isEmpty()) {
        errs.add(FieldError.required(ip + ".key", ""));
      }
      String itemPath = Trees.text(item, "path");
      if (itemPath.isEmpty()) {
        errs.add(FieldError.required(ip + ".path", ""));
      }
      errs.addAll(validateLocalDescendingPath(itemPath, ip + ".path"));
      JsonNode m = item.get("mode");
      if (m != null && !m.isNull() && (m.asLong() < 0 || m.asLong() > 0777)) {
        errs.add(FieldError.invalid(ip + ".mode", m.asLong(), modeError));
      }
    }
    return errs;
  }

  private static List<FieldError> validateContainers(
      JsonNode spec, Map<String, ObjectNode> volumes, Long gracePeriod, String path) {
    List<FieldError> errs = new ArrayList<>();
    List<ObjectNode> containers = Trees.objects(spec, "containers");
    if (containers.isEmpty()) {
      errs.add(FieldError.required(path, ""));
      return errs;
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode c : containers) {
      String idx = path + "[" + i++ + "]";
      errs.addAll(validateContainerCommon(c, volumes, idx));
      String name = Trees.text(c, "name");
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(idx + ".name", name));
      }
      errs.addAll(validateProbesAndLifecycle(c, gracePeriod, idx));
      if (Trees.has(c, "restartPolicy")) {
        errs.add(
            FieldError.forbidden(idx + ".restartPolicy", "may not be set for non-init containers"));
      }
    }
    errs.addAll(checkHostPortConflicts(containers, path, 0));
    return errs;
  }

  private static List<FieldError> validateInitContainers(
      JsonNode spec, Map<String, ObjectNode> volumes, Long gracePeriod, String path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ObjectNode c : Trees.objects(spec, "containers")) {
      names.add(Trees.text(c, "name"));
    }
    int i = 0;
    for (ObjectNode c : Trees.objects(spec, "initContainers")) {
      String idx = path + "[" + i + "]";
      errs.addAll(validateContainerCommon(c, volumes, idx));
      boolean restartAlways = false;
      if (Trees.has(c, "restartPolicy")) {
        String policy = Trees.text(c, "restartPolicy");
        if (!policy.equals("Always")) {
          errs.add(FieldError.notSupported(idx + ".restartPolicy", policy, List.of("Always")));
        }
        restartAlways = policy.equals("Always");
      }
      String name = Trees.text(c, "name");
      if (names.contains(name)) {
        errs.add(FieldError.duplicate(idx + ".name", name));
      } else if (!name.isEmpty()) {
        names.add(name);
      }
      errs.addAll(checkHostPortConflicts(List.of(c), path, i));
      if (restartAlways) {
        errs.addAll(validateProbesAndLifecycle(c, gracePeriod, idx));
      } else {
        for (String field :
            List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
          if (Trees.has(c, field)) {
            errs.add(
                FieldError.forbidden(
                    idx + "." + field,
                    "may not be set for init containers without restartPolicy=Always"));
          }
        }
      }
      i++;
    }
    return errs;
  }

  private static List<FieldError> validateContainerCommon(
      ObjectNode c, Map<String, ObjectNode> volumes, String path) {
    List<FieldError> errs = new ArrayList<>();
    String name = Trees.text(c, "name");
    if (name.isEmpty()) {
      errs.add(FieldError.required(path + ".name", ""));
    } else {
      for (String msg : NameValidation.isDNS1123Label(name)) {
        errs.add(FieldError.invalid(path + ".name", name, msg));
      }
    }
    if (Trees.text(c, "image").isEmpty()) {
      errs.add(FieldError.required(path + ".image", ""));
    }
    errs.addAll(
        enumValue(
            Trees.text(c, "terminationMessagePolicy"),
            path + ".terminationMessagePolicy",
            TERMINATION_MESSAGE_POLICIES));
    errs.addAll(validatePorts(c, path + ".ports"));
    errs.addAll(validateEnv(c, path + ".env"));
    errs.addAll(validateEnvFrom(c, path + ".envFrom"));
    errs.addAll(validateVolumeMounts(c, volumes, path + ".volumeMounts"));
    errs.addAll(
        enumValue(Trees.text(c, "imagePullPolicy"), path + ".imagePullPolicy", PULL_POLICIES));
    errs.addAll(validateResourceRequirements(c.path("resources"), path + ".resources"));
    errs.addAll(validateSecurityContext(c.path("securityContext"), path + ".securityContext"));
    return errs;
  }

  private static List<FieldError> validatePorts(ObjectNode c, String path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode port : Trees.objects(c, "ports")) {
      String idx = path + "[" + i++ + "]";
      String name = Trees.text(port, "name");
      if (!name.isEmpty()) {
        List<String> msgs = NameValidation.isValidPortName(name);
        if (!msgs.isEmpty()) {
          msgs.forEach(msg -> errs.add(FieldError.invalid(idx + ".name", name, msg)));
        } else if (!names.add(name)) {
          errs.add(FieldError.duplicate(idx + ".name", name));
        }
      }
      long containerPort = port.path("containerPort").asLong(0);
      if (containerPort == 0) {
        errs.add(FieldError.required(idx + ".containerPort", ""));
      } else {
        for (String msg : NameValidation.isValidPortNum(containerPort)) {
          errs.add(FieldError.invalid(idx + ".containerPort", containerPort, msg));
        }
      }
      long hostPort = port.path("hostPort").asLong(0);
      if (hostPort != 0) {
        for (String msg : NameValidation.isValidPortNum(hostPort)) {
          errs.add(FieldError.invalid(idx + ".hostPort", hostPort, msg));
        }
      }
      String protocol = Trees.text(port, "protocol");
      if (protocol.isEmpty()) {
        errs.add(FieldError.required(idx + ".protocol", ""));
      } else if (!PORT_PROTOCOLS.contains(protocol)) {
        errs.add(FieldError.notSupported(idx + ".protocol", protocol, PORT_PROTOCOLS));
      }
    }
    return errs;
  }

  private static List<FieldError> validateEnv(ObjectNode c, String path) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (ObjectNode env : Trees.objects(c, "env")) {
      String idx = path + "[" + i++ + "]";
      String name = Trees.text(env, "name");
      if (name.isEmpty()) {
        errs.add(FieldError.required(idx + ".name", ""));
      } else {
        for (String msg : NameValidation.isEnvVarName(name)) {
          errs.add(FieldError.invalid(idx + ".name", name, msg));
        }
      }
      ObjectNode valueFrom = Trees.object(env, "valueFrom");
      if (valueFrom != null) {
        errs.addAll(
            validateValueFrom(valueFrom, !Trees.text(env, "value").isEmpty(), idx + ".valueFrom"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateValueFrom(
      ObjectNode from, boolean hasValue, String path) {
    List<FieldError> errs = new ArrayList<>();
    int sources = 0;
    ObjectNode fieldRef = Trees.object(from, "fieldRef");
    if (fieldRef != null) {
      sources++;
      errs.addAll(validateFieldRef(fieldRef, path + ".fieldRef"));
    }
    ObjectNode resourceFieldRef = Trees.object(from, "resourceFieldRef");
    if (resourceFieldRef != null) {
      sources++;
      String resource = Trees.text(resourceFieldRef, "resource");
      String rp = path + ".resourceFieldRef";
      if (resource.isEmpty()) {
        errs.add(FieldError.required(rp + ".resource", ""));
      } else if (!RESOURCE_FIELD_PATHS.contains(resource)
          && !resource.startsWith("requests.hugepages-")
          && !resource.startsWith("limits.hugepages-")) {
        errs.add(FieldError.notSupported(rp + ".resource", resource, RESOURCE_FIELD_PATHS));
      }
    }
    for (String ref : List.of("configMapKeyRef", "secretKeyRef")) {
      ObjectNode selector = Trees.object(from, ref);
      if (selector == null) {
        continue;
      }
      sources++;
      String name = Trees.text(selector, "name");
      for (String msg : NameValidation.isDNS1123Subdomain(name)) {
        errs.add(FieldError.invalid(path + "." + ref + ".name", name, msg));
      }
      String key = Trees.text(selector, "key");
      if (key.isEmpty()) {
        errs.add(FieldError.required(path + "." + ref + ".key", ""));
      } else {
        for (String msg : NameValidation.isConfigMapKey(key)) {
          errs.add(FieldError.invalid(path + "." + ref + ".key", key, msg));
        }
      }
    }
    if (sources == 0) {
      errs.add(
          FieldError.invalid(
              path,
              "",
              "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or"
                  + " `secretKeyRef`"));
    } else if (hasValue) {
      errs.add(FieldError.invalid(path, "", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errs.add(
          FieldError.invalid(path, "", "may not have more than one field specified at a time"));
    }
    return errs;
  }

  private static List<FieldError> validateFieldRef(ObjectNode ref, String path) {
    String apiVersion = Trees.text(ref, "apiVersion");
    String fieldPath = Trees.text(ref, "fieldPath");
    if (apiVersion.isEmpty()) {
      return List.of(FieldError.required(path + ".apiVersion", ""));
    }
    if (fieldPath.isEmpty()) {
      return List.of(FieldError.required(path + ".fieldPath", ""));
    }
    if (!apiVersion.equals("v1")) {
      return List.of(
          FieldError.invalid(
              path + ".fieldPath",
              fieldPath,
              "error converting fieldPath: unsupported pod version: " + apiVersion));
    }
    int bracket = fieldPath.indexOf('[');
    if (bracket > 0 && fieldPath.endsWith("]")) {
      String base = fieldPath.substring(0, bracket);
      String subscript = fieldPath.substring(bracket + 1, fieldPath.length() - 1);
      if (subscript.length() >= 2 && subscript.startsWith("'") && subscript.endsWith("'")) {
        subscript = subscript.substring(1, subscript.length() - 1);
      }
      List<FieldError> errs = new ArrayList<>();
      switch (base) {
        case "metadata.annotations" -> qualifiedName(subscript.toLowerCase(), path, errs);
        case "metadata.labels" -> qualifiedName(subscript, path, errs);
        default ->
            errs.add(
                FieldError.invalid(
                    path + ".fieldPath",
                    fieldPath,
                    "error converting fieldPath: field label not supported: " + fieldPath));
      }
      return errs;
    }
    if (!CONVERTIBLE_FIELD_PATHS.contains(fieldPath)) {
      return List.of(
          FieldError.invalid(
              path + ".fieldPath",
              fieldPath,
              "error converting fieldPath: field label not supported: " + fieldPath));
    }
    if (!ENV_FIELD_PATHS.contains(fieldPath)) {
      return List.of(FieldError.notSupported(path + ".fieldPath", fieldPath, ENV_FIELD_PATHS));
    }
    return List.of();
  }

  private static List<FieldError> validateEnvFrom(ObjectNode c, String path) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (ObjectNode from : Trees.objects(c, "envFrom")) {
      String idx = path + "[" + i++ + "]";
      String prefix = Trees.text(from, "prefix");
      if (!prefix.isEmpty()) {
        for (String msg : NameValidation.isEnvVarName(prefix)) {
          errs.add(FieldError.invalid(idx + ".prefix", prefix, msg));
        }
      }
      int sources = 0;
      for (String ref : List.of("configMapRef", "secretRef")) {
        ObjectNode source = Trees.object(from, ref);
        if (source == null) {
          continue;
        }
        sources++;
        String name = Trees.text(source, "name");
        if (name.isEmpty()) {
          errs.add(FieldError.required(idx + "." + ref + ".name", ""));
        } else {
          for (String msg : NameValidation.isDNS1123Subdomain(name)) {
            errs.add(FieldError.invalid(idx + "." + ref + ".name", name, msg));
          }
        }
      }
      // Kubernetes reports these on the envFrom list, not the item.
      if (sources == 0) {
        errs.add(
            FieldError.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
      } else if (sources > 1) {
        errs.add(
            FieldError.invalid(path, "", "may not have more than one field specified at a time"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateVolumeMounts(
      ObjectNode c, Map<String, ObjectNode> volumes, String path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> mountPoints = new HashSet<>();
    int i = 0;
    for (ObjectNode mount : Trees.objects(c, "volumeMounts")) {
      String idx = path + "[" + i++ + "]";
      String name = Trees.text(mount, "name");
      String mountPath = Trees.text(mount, "mountPath");
      if (name.isEmpty()) {
        errs.add(FieldError.required(idx + ".name", ""));
      }
      if (!volumes.containsKey(name)) {
        errs.add(new FieldError(FieldError.Type.NOT_FOUND, idx + ".name", quote(name), null));
      }
      if (mountPath.isEmpty()) {
        errs.add(FieldError.required(idx + ".mountPath", ""));
      }
      if (!mountPoints.add(mountPath)) {
        errs.add(FieldError.invalid(idx + ".mountPath", mountPath, "must be unique"));
      }
      String subPath = Trees.text(mount, "subPath");
      if (!subPath.isEmpty()) {
        errs.addAll(validateLocalDescendingPath(subPath, path + ".subPath"));
      }
      String subPathExpr = Trees.text(mount, "subPathExpr");
      if (!subPathExpr.isEmpty()) {
        if (!subPath.isEmpty()) {
          errs.add(
              FieldError.invalid(
                  idx + ".subPathExpr",
                  subPathExpr,
                  "subPathExpr and subPath are mutually exclusive"));
        }
        errs.addAll(validateLocalDescendingPath(subPathExpr, path + ".subPathExpr"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateLocalDescendingPath(String target, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (target.startsWith("/")) {
      errs.add(FieldError.invalid(path, target, "must be a relative path"));
    }
    if (List.of(target.split("[/\\\\]")).contains("..")) {
      errs.add(FieldError.invalid(path, target, "must not contain '..'"));
    }
    return errs;
  }

  private static List<FieldError> validateProbesAndLifecycle(
      ObjectNode c, Long gracePeriod, String path) {
    List<FieldError> errs = new ArrayList<>();
    ObjectNode lifecycle = Trees.object(c, "lifecycle");
    if (lifecycle != null) {
      for (String hook : List.of("postStart", "preStop")) {
        ObjectNode handler = Trees.object(lifecycle, hook);
        if (handler != null) {
          errs.addAll(
              validateHandler(
                  handler, LIFECYCLE_HANDLERS, gracePeriod, path + ".lifecycle." + hook));
        }
      }
    }
    for (String kind : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      ObjectNode probe = Trees.object(c, kind);
      if (probe == null) {
        continue;
      }
      String pp = path + "." + kind;
      errs.addAll(validateHandler(probe, HANDLERS, gracePeriod, pp));
      for (String field :
          List.of(
              "initialDelaySeconds",
              "timeoutSeconds",
              "periodSeconds",
              "successThreshold",
              "failureThreshold")) {
        long value = probe.path(field).asLong(0);
        if (value < 0) {
          errs.add(FieldError.invalid(pp + "." + field, value, MetadataValidation.IS_NEGATIVE));
        }
      }
      JsonNode probeGrace = probe.get("terminationGracePeriodSeconds");
      if (probeGrace != null && !probeGrace.isNull() && probeGrace.asLong() <= 0) {
        errs.add(
            FieldError.invalid(
                pp + ".terminationGracePeriodSeconds",
                probeGrace.asLong(),
                "must be greater than 0"));
      }
      long success = probe.path("successThreshold").asLong(0);
      if (!kind.equals("readinessProbe") && success != 1) {
        errs.add(FieldError.invalid(pp + ".successThreshold", success, "must be 1"));
      }
      if (kind.equals("readinessProbe") && probeGrace != null && !probeGrace.isNull()) {
        errs.add(
            FieldError.invalid(
                pp + ".terminationGracePeriodSeconds",
                probeGrace.asLong(),
                "must not be set for readinessProbes"));
      }
    }
    return errs;
  }

  private static List<FieldError> validateHandler(
      ObjectNode handler, List<String> kinds, Long gracePeriod, String path) {
    List<FieldError> errs = new ArrayList<>();
    int handlers = 0;
    for (String kind : kinds) {
      ObjectNode action = Trees.object(handler, kind);
      if (action == null) {
        continue;
      }
      String ap = path + "." + kind;
      if (handlers > 0) {
        errs.add(FieldError.forbidden(ap, "may not specify more than 1 handler type"));
        continue;
      }
      handlers++;
      switch (kind) {
        case "exec" -> {
          if (Trees.isEmpty(action.get("command"))) {
            errs.add(FieldError.required(ap + ".command", ""));
          }
        }
        case "httpGet" -> {
          if (Trees.text(action, "path").isEmpty()) {
            errs.add(FieldError.required(ap + ".path", ""));
          }
          errs.addAll(validatePortNumOrName(action.get("port"), ap + ".port"));
          String scheme = Trees.text(action, "scheme");
          if (!HTTP_SCHEMES.contains(scheme)) {
            errs.add(FieldError.notSupported(ap + ".scheme", scheme, HTTP_SCHEMES));
          }
          for (ObjectNode header : Trees.objects(action, "httpHeaders")) {
            String name = Trees.text(header, "name");
            for (String msg : NameValidation.isHTTPHeaderName(name)) {
              errs.add(FieldError.invalid(ap + ".httpHeaders", name, msg));
            }
          }
        }
        case "tcpSocket", "grpc" ->
            errs.addAll(validatePortNumOrName(action.get("port"), ap + ".port"));
        case "sleep" -> {
          long seconds = action.path("seconds").asLong(0);
          if (gracePeriod != null && (seconds <= 0 || seconds > gracePeriod)) {
            errs.add(
                FieldError.invalid(
                    ap,
                    seconds,
                    "must be greater than 0 and less than terminationGracePeriodSeconds ("
                        + gracePeriod
                        + "). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero"
                        + " sleep."));
          }
        }
        default -> {}
      }
    }
    if (handlers == 0) {
      errs.add(FieldError.required(path, "must specify a handler type"));
    }
    return errs;
  }

  private static List<FieldError> validatePortNumOrName(JsonNode port, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (port != null && port.isTextual()) {
      for (String msg : NameValidation.isValidPortName(port.asText())) {
        errs.add(FieldError.invalid(path, port.asText(), msg));
      }
    } else {
      long value = port == null ? 0 : port.asLong(0);
      for (String msg : NameValidation.isValidPortNum(value)) {
        errs.add(FieldError.invalid(path, value, msg));
      }
    }
    return errs;
  }

  /** Host ports must not collide, keyed by protocol/hostIP/port. */
  private static List<FieldError> checkHostPortConflicts(
      List<ObjectNode> containers, String path, int firstIndex) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int ci = firstIndex;
    for (ObjectNode c : containers) {
      int pi = 0;
      for (ObjectNode port : Trees.objects(c, "ports")) {
        long hostPort = port.path("hostPort").asLong(0);
        String pp = path + "[" + ci + "].ports[" + pi++ + "].hostPort";
        if (hostPort == 0) {
          continue;
        }
        String key =
            Trees.text(port, "protocol") + "/" + Trees.text(port, "hostIP") + "/" + hostPort;
        if (!seen.add(key)) {
          errs.add(FieldError.duplicate(pp, key));
        }
      }
      ci++;
    }
    return errs;
  }

  private static List<FieldError> validateHostNetworkPorts(
      JsonNode spec, String path, boolean resourceIsPod) {
    List<FieldError> errs = new ArrayList<>();
    if (!spec.path("hostNetwork").asBoolean(false)) {
      return errs;
    }
    int ci = 0;
    for (ObjectNode c : Trees.objects(spec, "containers")) {
      int pi = 0;
      for (ObjectNode port : Trees.objects(c, "ports")) {
        long hostPort = port.path("hostPort").asLong(0);
        if ((resourceIsPod || hostPort != 0) && hostPort != port.path("containerPort").asLong(0)) {
          errs.add(
              FieldError.invalid(
                  path + ".containers[" + ci + "].ports[" + pi + "].hostPort",
                  hostPort,
                  "must match `containerPort` when `hostNetwork` is true"));
        }
        pi++;
      }
      ci++;
    }
    return errs;
  }

  private static List<FieldError> validateSecurityContext(JsonNode sc, String path) {
    List<FieldError> errs = new ArrayList<>();
    for (String field : List.of("runAsUser", "runAsGroup", "fsGroup")) {
      JsonNode id = sc.get(field);
      if (id != null && id.isNumber()) {
        for (String msg : NameValidation.isInRange(id.asLong(), 0, MAX_INT32)) {
          errs.add(FieldError.invalid(path + "." + field, id.asLong(), msg));
        }
      }
    }
    int i = 0;
    for (JsonNode gid : sc.path("supplementalGroups")) {
      for (String msg : NameValidation.isInRange(gid.asLong(), 0, MAX_INT32)) {
        errs.add(FieldError.invalid(path + ".supplementalGroups[" + i + "]", gid.asLong(), msg));
      }
      i++;
    }
    return errs;
  }

  private static List<FieldError> validateDnsConfig(JsonNode spec, String path) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode config = spec.get("dnsConfig");
    boolean hasConfig = config != null && !config.isNull();
    if (Trees.text(spec, "dnsPolicy").equals("None")) {
      if (!hasConfig) {
        errs.add(FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
        return errs;
      }
      if (Trees.isEmpty(config.get("nameservers"))) {
        errs.add(
            FieldError.required(
                path + ".nameservers",
                "must provide at least one DNS nameserver when `dnsPolicy` is None"));
        return errs;
      }
    }
    if (hasConfig) {
      if (config.path("nameservers").size() > 3) {
        errs.add(
            FieldError.invalid(
                path + ".nameservers",
                config.get("nameservers").toString(),
                "must not have more than 3 nameservers"));
      }
      int i = 0;
      for (JsonNode search : config.path("searches")) {
        String value = search.asText();
        if (value.endsWith(".")) {
          value = value.substring(0, value.length() - 1);
        }
        for (String msg : NameValidation.isDNS1123Subdomain(value)) {
          errs.add(FieldError.invalid(path + ".searches[" + i + "]", value, msg));
        }
        i++;
      }
    }
    return errs;
  }

  private static List<FieldError> validateOnlyAddedTolerations(JsonNode now, JsonNode before) {
    for (JsonNode old : before) {
      boolean found = false;
      for (JsonNode t : now) {
        ObjectNode oldCopy = ((ObjectNode) old).deepCopy();
        copyField((ObjectNode) t, oldCopy, "tolerationSeconds");
        if (Trees.semanticEquals(oldCopy, t)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return List.of(
            FieldError.forbidden(
                "spec.tolerations",
                "existing toleration can not be modified except its tolerationSeconds"));
      }
    }
    return validateTolerations(now, "spec.tolerations");
  }

  private static List<FieldError> validateOnlyDeletedSchedulingGates(
      JsonNode now, JsonNode before) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> old = new HashSet<>();
    before.forEach(g -> old.add(Trees.text(g, "name")));
    int i = 0;
    for (JsonNode gate : now) {
      String name = Trees.text(gate, "name");
      if (!old.contains(name)) {
        errs.add(
            FieldError.forbidden(
                "spec.schedulingGates[" + i + "].name",
                "only deletion is allowed, but found new scheduling gate '" + name + "'"));
      }
      i++;
    }
    return errs;
  }

  private static List<FieldError> containerStateTransitions(
      ObjectNode newPod,
      ObjectNode oldPod,
      String field,
      String restartPolicy,
      Set<String> restartable) {
    List<FieldError> errs = new ArrayList<>();
    if (restartPolicy.equals("Always")) {
      return errs;
    }
    List<ObjectNode> now = Trees.objects(newPod.path("status"), field);
    int i = 0;
    for (ObjectNode old : Trees.objects(oldPod.path("status"), field)) {
      int index = i++;
      JsonNode terminated = old.path("state").path("terminated");
      if (terminated.isMissingNode() || terminated.isNull()) {
        continue;
      }
      if (terminated.path("exitCode").asLong(0) != 0 && restartPolicy.equals("OnFailure")) {
        continue;
      }
      String name = Trees.text(old, "name");
      if (restartable.contains(name)) {
        continue;
      }
      for (ObjectNode n : now) {
        JsonNode t = n.path("state").path("terminated");
        if (Trees.text(n, "name").equals(name) && (t.isMissingNode() || t.isNull())) {
          errs.add(
              FieldError.forbidden(
                  "status." + field + "[" + index + "].state",
                  "may not be transitioned to non-terminated state"));
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validateContainerResourceName(String name, String path) {
    List<FieldError> errs = new ArrayList<>();
    for (String msg : NameValidation.isQualifiedName(name)) {
      errs.add(FieldError.invalid(path, name, msg));
    }
    if (!name.contains("/")) {
      if (!STANDARD_CONTAINER_RESOURCES.contains(name) && !name.startsWith("hugepages-")) {
        errs.add(FieldError.invalid(path, name, "must be a standard resource for containers"));
      }
    } else if (!isNativeResource(name)
        && !NameValidation.isQualifiedName("requests." + name).isEmpty()) {
      errs.add(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
    }
    return errs;
  }

  private static List<FieldError> validateResourceQuantityValue(
      String name, Quantity q, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (q.signum() < 0) {
      errs.add(FieldError.invalid(path, q.toString(), MetadataValidation.IS_NEGATIVE));
    }
    boolean integerResource = !isNativeResource(name) && !name.startsWith("requests.");
    if (integerResource && q.milliValue() % 1000 != 0) {
      errs.add(FieldError.invalid(path, q.toString(), "must be an integer"));
    }
    return errs;
  }

  private static boolean isNativeResource(String name) {
    return !name.contains("/") || name.contains("kubernetes.io/");
  }

  private static boolean isOvercommitAllowed(String name) {
    return isNativeResource(name) && !name.startsWith("hugepages-");
  }

  /** Parses a quantity; records Kubernetes' parse error and returns null when it does not parse. */
  static Quantity quantity(JsonNode value, String path, List<FieldError> errs) {
    String error = Quantity.parseError(value);
    if (error != null) {
      errs.add(
          FieldError.invalid(path, value.isTextual() ? value.asText() : value.toString(), error));
      return null;
    }
    return Quantity.fromJson(value);
  }

  private static List<FieldError> enumValue(String value, String path, List<String> allowed) {
    if (value.isEmpty()) {
      return List.of(FieldError.required(path, ""));
    }
    if (!allowed.contains(value)) {
      return List.of(FieldError.notSupported(path, value, allowed));
    }
    return List.of();
  }

  private static void subdomainIfSet(
      JsonNode spec, String field, String path, List<FieldError> errs) {
    String value = Trees.text(spec, field);
    if (!value.isEmpty()) {
      for (String msg : NameValidation.isDNS1123Subdomain(value)) {
        errs.add(FieldError.invalid(path + "." + field, value, msg));
      }
    }
  }

  private static void qualifiedName(String value, String path, List<FieldError> errs) {
    for (String msg : NameValidation.isQualifiedName(value)) {
      errs.add(FieldError.invalid(path, value, msg));
    }
  }

  private static void copyField(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** The changed paths between two trees, one per line: the detail of a forbidden pod update. */
  static final class JsonDiff {
    private JsonDiff() {}

    static String describe(String path, JsonNode before, JsonNode after) {
      List<String> lines = new ArrayList<>();
      diff(path, before, after, lines);
      return String.join("\n", lines);
    }

    private static void diff(String path, JsonNode before, JsonNode after, List<String> out) {
      if (Trees.semanticEquals(before, after)) {
        return;
      }
      if (before instanceof ObjectNode b && after instanceof ObjectNode a) {
        Set<String> keys = new TreeSet<>();
        b.fieldNames().forEachRemaining(keys::add);
        a.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
          diff(path + "." + k, b.get(k), a.get(k), out);
        }
      } else if (before instanceof ArrayNode b
          && after instanceof ArrayNode a
          && b.size() == a.size()) {
        for (int i = 0; i < b.size(); i++) {
          diff(path + "[" + i + "]", b.get(i), a.get(i), out);
        }
      } else {
        out.add(
            "  "
                + path
                + ": "
                + (before == null ? "<unset>" : before)
                + " -> "
                + (after == null ? "<unset>" : after));
      }
    }
  }

  private static ObjectNode specOf(ObjectNode pod) {
    ObjectNode spec = Trees.object(pod, "spec");
    return spec == null ? Trees.nodes().objectNode() : spec;
  }
}
