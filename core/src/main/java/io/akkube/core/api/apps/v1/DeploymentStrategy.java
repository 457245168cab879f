package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The deployment registry strategy (pkg/registry/apps/deployment/strategy.go): a new deployment
 * starts with an empty status; the main resource keeps status, the status subresource keeps spec; a
 * change of spec or of annotations (rollbacks are requested through them) bumps the generation.
 */
public final class DeploymentStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode deployment) {
    DeploymentDefaults.applyDefaults(deployment);
  }

  @Override
  public void prepareForCreate(ObjectNode deployment) {
    deployment.putObject("status");
  }

  @Override
  public void prepareForUpdate(ObjectNode deployment, ObjectNode oldDeployment) {
    copy(oldDeployment, deployment, "status");
    JsonNode annotations = deployment.path("metadata").get("annotations");
    JsonNode oldAnnotations = oldDeployment.path("metadata").get("annotations");
    if (!sameMap(annotations, oldAnnotations)
        && deployment.get("metadata") instanceof ObjectNode m) {
      m.put("generation", oldDeployment.path("metadata").path("generation").asLong(0) + 1);
    }
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode deployment, ObjectNode oldDeployment) {
    copy(oldDeployment, deployment, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode deployment) {
    return DeploymentValidation.validateDeployment(deployment);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode deployment, ObjectNode oldDeployment) {
    return DeploymentValidation.validateDeploymentUpdate(deployment, oldDeployment);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode deployment, ObjectNode oldDeployment) {
    return DeploymentValidation.validateDeploymentStatusUpdate(deployment, oldDeployment);
  }

  static void copy(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }

  private static boolean sameMap(JsonNode a, JsonNode b) {
    boolean aEmpty = a == null || a.isNull() || a.isEmpty();
    boolean bEmpty = b == null || b.isNull() || b.isEmpty();
    return aEmpty || bEmpty ? aEmpty == bEmpty : a.equals(b);
  }
}
