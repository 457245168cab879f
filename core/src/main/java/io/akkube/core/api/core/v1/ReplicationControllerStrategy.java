package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The replicationcontroller registry strategy: a new controller starts with zero replicas in
 * status; the main resource keeps status, the status subresource keeps spec; a spec change bumps
 * the generation.
 */
public final class ReplicationControllerStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode rc) {
    ReplicationControllerDefaults.applyDefaults(rc);
  }

  @Override
  public void prepareForCreate(ObjectNode rc) {
    rc.putObject("status").put("replicas", 0);
  }

  @Override
  public void prepareForUpdate(ObjectNode rc, ObjectNode oldRc) {
    PodStrategy.copy(oldRc, rc, "status");
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode rc, ObjectNode oldRc) {
    PodStrategy.copy(oldRc, rc, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode rc) {
    return ReplicationControllerValidation.validateReplicationController(rc);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode rc, ObjectNode oldRc) {
    return ReplicationControllerValidation.validateReplicationControllerStatusUpdate(rc);
  }
}
