package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/** The configmap registry strategy: no status, no generation, immutable once marked so. */
public final class ConfigMapStrategy implements ResourceStrategy {

  @Override
  public List<FieldError> validateCreate(ObjectNode cm) {
    return ConfigMapValidation.validateConfigMap(cm);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode newCm, ObjectNode oldCm) {
    return ConfigMapValidation.validateConfigMapUpdate(newCm, oldCm);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
