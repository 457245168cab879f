package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/** The event registry strategy: no status, no generation, legacy v1 validation on every write. */
public final class EventStrategy implements ResourceStrategy {

  @Override
  public List<FieldError> validateCreate(ObjectNode event) {
    return EventValidation.validateEvent(event);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode newEvent, ObjectNode oldEvent) {
    return EventValidation.validateEvent(newEvent);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
