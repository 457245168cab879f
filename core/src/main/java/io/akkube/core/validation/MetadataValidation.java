package io.akkube.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ObjectMeta rules shared by every kind, as apimachinery's ValidateObjectMeta /
 * ValidateObjectMetaUpdate and core's legacy finalizer check have them. Paths start at {@code
 * metadata}.
 */
public final class MetadataValidation {

  public static final String FIELD_IMMUTABLE = "field is immutable";
  public static final String IS_NEGATIVE = "must be greater than or equal to 0";
  public static final int TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

  private static final Set<String> STANDARD_FINALIZERS =
      Set.of("kubernetes", "orphan", "foregroundDeletion");

  private MetadataValidation() {}

  /**
   * Validates the metadata of an object about to be created. Name generation has already happened,
   * so a missing name is an error.
   */
  public static List<FieldError> validateObjectMeta(ObjectNode obj, ResourceType type) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode meta = obj.path("metadata");
    String name = text(meta, "name");
    if (name.isEmpty()) {
      errs.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else {
      for (String msg : nameRule(type, name)) {
        errs.add(FieldError.invalid("metadata.name", name, msg));
      }
    }
    String namespace = text(meta, "namespace");
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        errs.add(FieldError.required("metadata.namespace", ""));
      } else {
        for (String msg : NameValidation.isDNS1123Label(namespace)) {
          errs.add(FieldError.invalid("metadata.namespace", namespace, msg));
        }
      }
    } else if (!namespace.isEmpty()) {
      errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
    }
    JsonNode generation = meta.get("generation");
    if (generation != null && generation.isNumber() && generation.asLong() < 0) {
      errs.add(FieldError.invalid("metadata.generation", generation.asLong(), IS_NEGATIVE));
    }
    errs.addAll(validateCommon(meta));
    return errs;
  }

  /** Validates metadata changes of an update: identity fields are immutable. */
  public static List<FieldError> validateObjectMetaUpdate(ObjectNode newObj, ObjectNode oldObj) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode meta = newObj.path("metadata");
    JsonNode oldMeta = oldObj.path("metadata");

    if (!text(oldMeta, "deletionTimestamp").isEmpty()) {
      Set<String> added = new TreeSet<>(strings(meta.path("finalizers")));
      added.removeAll(strings(oldMeta.path("finalizers")));
      if (!added.isEmpty()) {
        errs.add(
            FieldError.forbidden(
                "metadata.finalizers",
                "no new finalizers can be added if the object is being deleted, found new"
                    + " finalizers "
                    + goStringSlice(added)));
      }
    }
    long generation = meta.path("generation").asLong(0);
    if (generation < oldMeta.path("generation").asLong(0)) {
      errs.add(FieldError.invalid("metadata.generation", generation, "must not be decremented"));
    }
    immutable(errs, meta, oldMeta, "name", false);
    immutable(errs, meta, oldMeta, "namespace", false);
    // The apiserver fills these from the stored object when a client leaves them out.
    immutable(errs, meta, oldMeta, "uid", true);
    immutable(errs, meta, oldMeta, "creationTimestamp", true);
    immutable(errs, meta, oldMeta, "deletionTimestamp", true);
    immutable(errs, meta, oldMeta, "deletionGracePeriodSeconds", true);
    errs.addAll(validateCommon(meta));
    return errs;
  }

  /** The name rule of a kind: Namespace names are labels, Event names only path segments. */
  public static List<String> nameRule(ResourceType type, String name) {
    if (type.equals(ResourceTypes.NAMESPACES)) {
      return NameValidation.isDNS1123Label(name);
    }
    if (type.equals(ResourceTypes.EVENTS)) {
      return NameValidation.isValidPathSegmentName(name);
    }
    return NameValidation.isDNS1123Subdomain(name);
  }

  /** Labels as metav1 validation has them: qualified-name keys, label values. */
  public static List<FieldError> validateLabels(JsonNode labels, String path) {
    List<FieldError> errs = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String msg : NameValidation.isQualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      String value = e.getValue().asText();
      for (String msg : NameValidation.isValidLabelValue(value)) {
        errs.add(FieldError.invalid(path, value, msg));
      }
    }
    return errs;
  }

  public static List<FieldError> validateAnnotations(JsonNode annotations, String path) {
    List<FieldError> errs = new ArrayList<>();
    long totalSize = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      // Annotation keys are qualified names in which case does not matter.
      for (String msg : NameValidation.isQualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      totalSize += utf8Length(e.getKey()) + utf8Length(e.getValue().asText());
    }
    if (totalSize > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      errs.add(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
    }
    return errs;
  }

  /** field.TooLong as Kubernetes prints it: the (large) value is never echoed. */
  public static FieldError tooLong(String path, int maxBytes) {
    return new FieldError(
        FieldError.Type.TOO_LONG, path, null, "must have at most " + maxBytes + " bytes");
  }

  private static List<FieldError> validateCommon(JsonNode meta) {
    List<FieldError> errs = new ArrayList<>();
    errs.addAll(validateLabels(meta.path("labels"), "metadata.labels"));
    errs.addAll(validateAnnotations(meta.path("annotations"), "metadata.annotations"));
    errs.addAll(validateOwnerReferences(meta.path("ownerReferences")));
    errs.addAll(validateFinalizers(meta.path("finalizers")));
    return errs;
  }

  private static List<FieldError> validateOwnerReferences(JsonNode refs) {
    List<FieldError> errs = new ArrayList<>();
    String path = "metadata.ownerReferences";
    String firstController = "";
    for (JsonNode ref : refs) {
      String apiVersion = text(ref, "apiVersion");
      String kind = text(ref, "kind");
      String version = versionOf(apiVersion);
      if (version.isEmpty()) {
        errs.add(FieldError.invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
      }
      if (kind.isEmpty()) {
        errs.add(FieldError.invalid(path + ".kind", kind, "must not be empty"));
      }
      if (text(ref, "name").isEmpty()) {
        errs.add(FieldError.invalid(path + ".name", "", "must not be empty"));
      }
      if (text(ref, "uid").isEmpty()) {
        errs.add(FieldError.invalid(path + ".uid", "", "must not be empty"));
      }
      if (apiVersion.equals("v1") && kind.equals("Event")) {
        errs.add(
            FieldError.invalid(
                path, ref.toString(), "/v1, Kind=Event is disallowed from being an owner"));
      }
      if (ref.path("controller").asBoolean(false)) {
        String current = kind + "/" + text(ref, "name");
        if (!firstController.isEmpty()) {
          errs.add(
              FieldError.invalid(
                  path,
                  refs.toString(),
                  "Only one reference can have Controller set to true. Found \"true\" in"
                      + " references for "
                      + firstController
                      + " and "
                      + current));
        } else {
          firstController = current;
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validateFinalizers(JsonNode finalizers) {
    List<FieldError> errs = new ArrayList<>();
    String path = "metadata.finalizers";
    boolean orphan = false;
    boolean foreground = false;
    int i = 0;
    for (JsonNode f : finalizers) {
      String finalizer = f.asText();
      for (String msg : NameValidation.isQualifiedName(finalizer)) {
        errs.add(FieldError.invalid(path, finalizer, msg));
      }
      orphan |= finalizer.equals("orphan");
      foreground |= finalizer.equals("foregroundDeletion");
      errs.addAll(validateKubeFinalizerName(finalizer, path + "[" + i + "]"));
      i++;
    }
    if (orphan && foreground) {
      errs.add(
          FieldError.invalid(
              path,
              finalizers.toString(),
              "finalizer orphan and foregroundDeletion cannot be both set"));
    }
    return errs;
  }

  /** Built-in kinds accept only standard finalizer names or fully qualified ones. */
  public static List<FieldError> validateKubeFinalizerName(String finalizer, String path) {
    if (!finalizer.contains("/") && !STANDARD_FINALIZERS.contains(finalizer)) {
      return List.of(
          FieldError.invalid(
              path,
              finalizer,
              "name is neither a standard finalizer name nor is it fully qualified"));
    }
    return List.of();
  }

  private static void immutable(
      List<FieldError> errs, JsonNode meta, JsonNode oldMeta, String field, boolean keptIfAbsent) {
    JsonNode now = meta.get(field);
    JsonNode before = oldMeta.get(field);
    boolean nowAbsent = now == null || now.isNull();
    boolean beforeAbsent = before == null || before.isNull();
    if (nowAbsent && (keptIfAbsent || beforeAbsent)) {
      return;
    }
    if (nowAbsent || beforeAbsent || !now.equals(before)) {
      Object shown = nowAbsent ? "" : now.isNumber() ? (Object) now.asLong() : now.asText();
      errs.add(FieldError.invalid("metadata." + field, shown, FIELD_IMMUTABLE));
    }
  }

  /** The version of an apiVersion ({@code v1}, {@code apps/v1}); "" when it cannot be parsed. */
  private static String versionOf(String apiVersion) {
    String[] parts = apiVersion.split("/", -1);
    return switch (parts.length) {
      case 1 -> parts[0];
      case 2 -> parts[1];
      default -> "";
    };
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String goStringSlice(Set<String> values) {
    StringBuilder sb = new StringBuilder("[]string{");
    int i = 0;
    for (String v : values) {
      sb.append(i++ == 0 ? "" : ", ").append('"').append(v).append('"');
    }
    return sb.append('}').toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
