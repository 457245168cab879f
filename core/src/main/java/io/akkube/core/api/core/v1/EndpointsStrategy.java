package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/** The endpoints registry strategy: no status, no generation, the same rules on every write. */
public final class EndpointsStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode endpoints) {
    EndpointsDefaults.applyDefaults(endpoints);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode endpoints) {
    return EndpointsValidation.validateEndpoints(endpoints);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
