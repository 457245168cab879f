package io.akkube.core.api.scheduling.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.validation.MetadataValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ValidatePriorityClass / ValidatePriorityClassUpdate without the metadata part: the "system-"
 * prefix is reserved for the built-in classes, user classes go up to one billion, value and
 * preemptionPolicy never change.
 */
public final class PriorityClassValidation {

  public static final String SYSTEM_PREFIX = "system-";
  public static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;

  /** The built-in classes and their values; neither is a global default. */
  public static final Map<String, Long> SYSTEM_PRIORITY_CLASSES =
      Map.of("system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);

  private static final List<String> PREEMPTION_POLICIES = List.of("Never", "PreemptLowerPriority");

  private PriorityClassValidation() {}

  public static List<FieldError> validatePriorityClass(ObjectNode pc) {
    List<FieldError> errs = new ArrayList<>();
    String name = Json.name(pc);
    long value = pc.path("value").asLong(0);
    if (name.startsWith(SYSTEM_PREFIX)) {
      String error = systemClassError(name, value, pc.path("globalDefault").asBoolean(false));
      if (error != null) {
        errs.add(
            FieldError.forbidden(
                "metadata.name",
                "priority class names with '"
                    + SYSTEM_PREFIX
                    + "' prefix are reserved for system use only. error: "
                    + error));
      }
    } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.add(
          FieldError.forbidden(
              "value",
              "maximum allowed value of a user defined priority is "
                  + HIGHEST_USER_DEFINABLE_PRIORITY));
    }
    JsonNode policy = pc.get("preemptionPolicy");
    if (policy != null && !policy.isNull()) {
      String p = policy.asText();
      if (p.isEmpty()) {
        errs.add(FieldError.required("preemptionPolicy", ""));
      } else if (!PREEMPTION_POLICIES.contains(p)) {
        errs.add(FieldError.notSupported("preemptionPolicy", p, PREEMPTION_POLICIES));
      }
    }
    return errs;
  }

  public static List<FieldError> validatePriorityClassUpdate(ObjectNode pc, ObjectNode oldPc) {
    List<FieldError> errs = new ArrayList<>();
    if (pc.path("value").asLong(0) != oldPc.path("value").asLong(0)) {
      errs.add(FieldError.forbidden("value", "may not be changed in an update."));
    }
    String policy = pc.path("preemptionPolicy").asText("");
    if (!policy.equals(oldPc.path("preemptionPolicy").asText(""))) {
      errs.add(FieldError.invalid("preemptionPolicy", policy, MetadataValidation.FIELD_IMMUTABLE));
    }
    return errs;
  }

  /** IsKnownSystemPriorityClass: null when {@code name} is a built-in class as it is defined. */
  private static String systemClassError(String name, long value, boolean globalDefault) {
    Long expected = SYSTEM_PRIORITY_CLASSES.get(name);
    if (expected == null) {
      return "name " + name + " is not a known system priority class";
    }
    if (expected != value) {
      return "value of " + name + " PriorityClass must be " + expected;
    }
    if (globalDefault) {
      return "globalDefault of " + name + " PriorityClass must be false";
    }
    return null;
  }
}
