package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The secret registry strategy: no status, no generation; stringData folds into data before
 * validation; the type is immutable and the data too once marked immutable.
 */
public final class SecretStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode secret) {
    SecretDefaults.applyDefaults(secret);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode secret) {
    return SecretValidation.validateSecret(secret);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode newSecret, ObjectNode oldSecret) {
    return SecretValidation.validateSecretUpdate(newSecret, oldSecret);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
