package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The replicaset registry strategy (pkg/registry/apps/replicaset/strategy.go): a new ReplicaSet
 * starts with zero replicas in status; the main resource keeps status, the status subresource keeps
 * spec; a spec change bumps the generation.
 */
public final class ReplicaSetStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode rs) {
    ReplicaSetDefaults.applyDefaults(rs);
  }

  @Override
  public void prepareForCreate(ObjectNode rs) {
    rs.putObject("status").put("replicas", 0);
  }

  @Override
  public void prepareForUpdate(ObjectNode rs, ObjectNode oldRs) {
    DeploymentStrategy.copy(oldRs, rs, "status");
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode rs, ObjectNode oldRs) {
    DeploymentStrategy.copy(oldRs, rs, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode rs) {
    return ReplicaSetValidation.validateReplicaSet(rs);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode rs, ObjectNode oldRs) {
    return ReplicaSetValidation.validateReplicaSetUpdate(rs, oldRs);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode rs, ObjectNode oldRs) {
    return ReplicaSetValidation.validateReplicaSetStatusUpdate(rs, oldRs);
  }
}
