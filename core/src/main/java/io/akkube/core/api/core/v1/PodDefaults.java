package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.quantity.Quantity;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pod defaulting as pkg/apis/core/v1/defaults.go does it (applied on create and every update), plus
 * the fields the apiserver's default admission plugins fill on create (ServiceAccount,
 * DefaultTolerationSeconds, Priority): {@link #applyAdmissionDefaults}.
 */
public final class PodDefaults {

  public static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
  public static final long DEFAULT_TOLERATION_SECONDS = 300;
  public static final int DEFAULT_FILE_MODE = 0644;
  public static final String TAINT_NOT_READY = "node.kubernetes.io/not-ready";
  public static final String TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

  private static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");
  private static final List<String> PROBES =
      List.of("livenessProbe", "readinessProbe", "startupProbe");
  private static final List<String> VOLUME_SOURCES_WITH_MODE =
      List.of("secret", "configMap", "downwardAPI", "projected");
  private static final Map<String, Long> SYSTEM_PRIORITY_CLASSES =
      Map.of("system-cluster-critical", 2000000000L, "system-node-critical", 2000001000L);

  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY_PATH =
      Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");

  private PodDefaults() {}

  /** SetDefaults_Pod, SetDefaults_PodSpec and the container, probe and volume defaults. */
  public static void applyDefaults(ObjectNode pod) {
    ObjectNode spec = Trees.objectOrCreate(pod, "spec");
    Trees.putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    Trees.putIfAbsent(spec, "restartPolicy", "Always");
    if (!Trees.has(spec, "securityContext")) {
      spec.putObject("securityContext");
    }
    Trees.putIfAbsent(
        spec, "terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    Trees.putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!Trees.has(spec, "enableServiceLinks")) {
      spec.put("enableServiceLinks", true);
    }
    // v1 keeps the deprecated serviceAccount field in step with serviceAccountName.
    String serviceAccount = Trees.text(spec, "serviceAccountName");
    if (serviceAccount.isEmpty()) {
      serviceAccount = Trees.text(spec, "serviceAccount");
    }
    if (!serviceAccount.isEmpty()) {
      spec.put("serviceAccountName", serviceAccount);
      spec.put("serviceAccount", serviceAccount);
    }
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    for (String list : CONTAINER_LISTS) {
      for (ObjectNode c : Trees.objects(spec, list)) {
        defaultContainer(c, hostNetwork && !list.equals("ephemeralContainers"));
        if (!list.equals("ephemeralContainers")) {
          defaultRequestsToLimits(c);
        }
      }
    }
    for (ObjectNode volume : Trees.objects(spec, "volumes")) {
      defaultVolume(volume);
    }
  }

  /**
   * What the default admission chain adds to a new pod: the "default" service account, the
   * not-ready/unreachable tolerations of DefaultTolerationSeconds, and the priority the Priority
   * plugin resolves (0 and PreemptLowerPriority without a priority class).
   */
  public static void applyAdmissionDefaults(ObjectNode pod) {
    ObjectNode spec = Trees.objectOrCreate(pod, "spec");
    if (Trees.text(spec, "serviceAccountName").isEmpty()) {
      spec.put("serviceAccountName", "default");
      spec.put("serviceAccount", "default");
    }
    addDefaultTolerations(spec);
    String priorityClass = Trees.text(spec, "priorityClassName");
    if (priorityClass.isEmpty()) {
      Trees.putIfAbsent(spec, "priority", 0);
      Trees.putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
    } else if (SYSTEM_PRIORITY_CLASSES.containsKey(priorityClass)) {
      Trees.putIfAbsent(spec, "priority", SYSTEM_PRIORITY_CLASSES.get(priorityClass));
      Trees.putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
    }
  }

  /**
   * IfNotPresent unless the image is tagged {@code latest} or untagged (and not pinned by digest).
   */
  public static String defaultImagePullPolicy(String image) {
    return "latest".equals(imageTag(image)) ? "Always" : "IfNotPresent";
  }

  /**
   * The tag of an image reference as the kubelet's ParseImageName reads it: "latest" when neither
   * tag nor digest is given, "" when only a digest is given or the reference does not parse.
   */
  static String imageTag(String image) {
    String rest = image;
    String digest = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        return "";
      }
    }
    String tag = "";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        return "";
      }
    }
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      boolean isDomain =
          first.contains(".")
              || first.contains(":")
              || first.equals("localhost")
              || !first.toLowerCase().equals(first);
      if (isDomain) {
        if (!DOMAIN.matcher(first).matches()) {
          return "";
        }
        path = rest.substring(slash + 1);
      }
    }
    if (path.isEmpty() || path.length() > 255 || !REPOSITORY_PATH.matcher(path).matches()) {
      return "";
    }
    return tag.isEmpty() && digest.isEmpty() ? "latest" : tag;
  }

  private static void defaultContainer(ObjectNode c, boolean hostNetwork) {
    if (Trees.text(c, "imagePullPolicy").isEmpty()) {
      c.put("imagePullPolicy", defaultImagePullPolicy(Trees.text(c, "image")));
    }
    Trees.putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    Trees.putIfAbsent(c, "terminationMessagePolicy", "File");
    for (ObjectNode port : Trees.objects(c, "ports")) {
      Trees.putIfAbsent(port, "protocol", "TCP");
      if (hostNetwork && port.path("hostPort").asLong(0) == 0 && Trees.has(port, "containerPort")) {
        port.set("hostPort", port.get("containerPort"));
      }
    }
    for (String probe : PROBES) {
      ObjectNode p = Trees.object(c, probe);
      if (p != null) {
        Trees.putIfZero(p, "timeoutSeconds", 1);
        Trees.putIfZero(p, "periodSeconds", 10);
        Trees.putIfZero(p, "successThreshold", 1);
        Trees.putIfZero(p, "failureThreshold", 3);
        defaultHttpGet(Trees.object(p, "httpGet"));
      }
    }
    ObjectNode lifecycle = Trees.object(c, "lifecycle");
    if (lifecycle != null) {
      for (String hook : List.of("postStart", "preStop")) {
        defaultHttpGet(Trees.object(Trees.object(lifecycle, hook), "httpGet"));
      }
    }
    for (ObjectNode env : Trees.objects(c, "env")) {
      defaultFieldRef(Trees.object(Trees.object(env, "valueFrom"), "fieldRef"));
    }
  }

  /** Requests default to limits for every resource that has a limit but no request. */
  private static void defaultRequestsToLimits(ObjectNode c) {
    ObjectNode resources = Trees.object(c, "resources");
    ObjectNode limits = Trees.object(resources, "limits");
    if (limits == null) {
      return;
    }
    ObjectNode requests = Trees.objectOrCreate(resources, "requests");
    limits
        .fields()
        .forEachRemaining(
            e -> {
              // An unparseable limit is reported once, on limits, rather than twice.
              if (!requests.has(e.getKey()) && Quantity.parseError(e.getValue()) == null) {
                requests.set(e.getKey(), e.getValue().deepCopy());
              }
            });
  }

  private static void defaultHttpGet(ObjectNode httpGet) {
    if (httpGet != null) {
      Trees.putIfAbsent(httpGet, "path", "/");
      Trees.putIfAbsent(httpGet, "scheme", "HTTP");
    }
  }

  private static void defaultFieldRef(ObjectNode fieldRef) {
    if (fieldRef != null) {
      Trees.putIfAbsent(fieldRef, "apiVersion", "v1");
    }
  }

  private static void defaultVolume(ObjectNode volume) {
    boolean hasSource = false;
    for (var it = volume.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("name") && Trees.has(volume, field)) {
        hasSource = true;
      }
    }
    if (!hasSource) {
      volume.putObject("emptyDir");
      return;
    }
    for (String source : VOLUME_SOURCES_WITH_MODE) {
      ObjectNode s = Trees.object(volume, source);
      if (s != null && !Trees.has(s, "defaultMode")) {
        s.put("defaultMode", DEFAULT_FILE_MODE);
      }
    }
    ObjectNode hostPath = Trees.object(volume, "hostPath");
    if (hostPath != null && !Trees.has(hostPath, "type")) {
      hostPath.put("type", "");
    }
    for (ObjectNode item : Trees.objects(Trees.object(volume, "downwardAPI"), "items")) {
      defaultFieldRef(Trees.object(item, "fieldRef"));
    }
    for (ObjectNode source : Trees.objects(Trees.object(volume, "projected"), "sources")) {
      ObjectNode token = Trees.object(source, "serviceAccountToken");
      if (token != null) {
        Trees.putIfAbsent(token, "expirationSeconds", 3600);
      }
      for (ObjectNode item : Trees.objects(Trees.object(source, "downwardAPI"), "items")) {
        defaultFieldRef(Trees.object(item, "fieldRef"));
      }
    }
  }

  private static void addDefaultTolerations(ObjectNode spec) {
    boolean notReady = false;
    boolean unreachable = false;
    for (ObjectNode t : Trees.objects(spec, "tolerations")) {
      String key = Trees.text(t, "key");
      String effect = Trees.text(t, "effect");
      boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
      notReady |= noExecute && (key.isEmpty() || key.equals(TAINT_NOT_READY));
      unreachable |= noExecute && (key.isEmpty() || key.equals(TAINT_UNREACHABLE));
    }
    if (notReady && unreachable) {
      return;
    }
    JsonNode existing = spec.get("tolerations");
    ArrayNode tolerations = existing instanceof ArrayNode a ? a : spec.putArray("tolerations");
    if (!notReady) {
      addToleration(tolerations, TAINT_NOT_READY);
    }
    if (!unreachable) {
      addToleration(tolerations, TAINT_UNREACHABLE);
    }
  }

  private static void addToleration(ArrayNode tolerations, String key) {
    ObjectNode t = tolerations.addObject();
    t.put("key", key);
    t.put("operator", "Exists");
    t.put("effect", "NoExecute");
    Trees.putNumber(t, "tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
  }
}
