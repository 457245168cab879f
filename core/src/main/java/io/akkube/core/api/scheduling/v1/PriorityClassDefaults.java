package io.akkube.core.api.scheduling.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SetDefaults_PriorityClass: pods of the class preempt lower priorities unless told otherwise. A
 * missing value reads as 0, as Go's int32 decodes it.
 */
public final class PriorityClassDefaults {

  private PriorityClassDefaults() {}

  public static void applyDefaults(ObjectNode priorityClass) {
    if (!priorityClass.hasNonNull("preemptionPolicy")) {
      priorityClass.put("preemptionPolicy", "PreemptLowerPriority");
    }
    if (!priorityClass.hasNonNull("value")) {
      priorityClass.put("value", 0);
    }
  }
}
