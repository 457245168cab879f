package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The node registry strategy: a node registers with its status (the kubelet's capacity); the main
 * resource keeps the stored status, the status subresource keeps the stored spec. Nodes carry no
 * metadata.generation.
 */
public final class NodeStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode node) {
    NodeDefaults.applyDefaults(node);
  }

  @Override
  public void prepareForUpdate(ObjectNode newNode, ObjectNode oldNode) {
    PodStrategy.copy(oldNode, newNode, "status");
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode newNode, ObjectNode oldNode) {
    PodStrategy.copy(oldNode, newNode, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode node) {
    return NodeValidation.validateNode(node);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode newNode, ObjectNode oldNode) {
    return NodeValidation.validateNodeUpdate(newNode, oldNode);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode newNode, ObjectNode oldNode) {
    return NodeValidation.validateNodeUpdate(newNode, oldNode);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }
}
