package io.akkube.core.api.scheduling.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The priorityclass registry strategy: cluster-scoped, no status, no generation. That at most one
 * class is the global default is the Priority admission plugin's check, not this strategy's.
 */
public final class PriorityClassStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode priorityClass) {
    PriorityClassDefaults.applyDefaults(priorityClass);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode priorityClass) {
    return PriorityClassValidation.validatePriorityClass(priorityClass);
  }

  /** As Kubernetes: only the update rules (value and preemptionPolicy are fixed anyway). */
  @Override
  public List<FieldError> validateUpdate(ObjectNode priorityClass, ObjectNode old) {
    return PriorityClassValidation.validatePriorityClassUpdate(priorityClass, old);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
