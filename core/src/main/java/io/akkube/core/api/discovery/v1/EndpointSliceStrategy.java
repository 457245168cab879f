package io.akkube.core.api.discovery.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The endpointslice registry strategy: no status; any change besides metadata bumps the generation;
 * the address type is fixed at creation.
 */
public final class EndpointSliceStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode slice) {
    EndpointSliceDefaults.applyDefaults(slice);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode slice) {
    return EndpointSliceValidation.validateEndpointSlice(slice);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode slice, ObjectNode oldSlice) {
    return EndpointSliceValidation.validateEndpointSliceUpdate(slice, oldSlice);
  }
}
