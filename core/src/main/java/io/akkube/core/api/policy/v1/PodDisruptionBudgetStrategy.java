package io.akkube.core.api.policy.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The poddisruptionbudget registry strategy: a new budget starts with a zero status (the disruption
 * controller fills it); the main resource keeps status, the status subresource keeps spec; a spec
 * change bumps the generation. policy/v1 has no defaults.
 */
public final class PodDisruptionBudgetStrategy implements ResourceStrategy {

  @Override
  public void prepareForCreate(ObjectNode pdb) {
    ObjectNode status = pdb.putObject("status");
    status.put("disruptionsAllowed", 0);
    status.put("currentHealthy", 0);
    status.put("desiredHealthy", 0);
    status.put("expectedPods", 0);
  }

  @Override
  public void prepareForUpdate(ObjectNode pdb, ObjectNode oldPdb) {
    copy(oldPdb, pdb, "status");
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode pdb, ObjectNode oldPdb) {
    copy(oldPdb, pdb, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode pdb) {
    return PodDisruptionBudgetValidation.validatePodDisruptionBudget(pdb);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode pdb, ObjectNode oldPdb) {
    return PodDisruptionBudgetValidation.validatePodDisruptionBudgetStatusUpdate(pdb);
  }

  private static void copy(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }
}
