package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.object.ResourceStrategy;
import java.util.List;

/**
 * The service registry strategy (pkg/registry/core/service/strategy.go and the storage's update
 * path): a new service starts with an empty load-balancer status; an update keeps the cluster IP
 * and node ports already given when the client leaves them out, and drops the fields that belong to
 * the old type when the type changes and the client did not touch them. Services carry no
 * generation. Nothing here allocates cluster IPs or node ports.
 */
public final class ServiceStrategy implements ResourceStrategy {

  @Override
  public void applyDefaults(ObjectNode service) {
    ServiceDefaults.applyDefaults(service);
  }

  @Override
  public void prepareForCreate(ObjectNode service) {
    service.putObject("status").putObject("loadBalancer");
  }

  @Override
  public void prepareForUpdate(ObjectNode service, ObjectNode oldService) {
    PodStrategy.copy(oldService, service, "status");
    ObjectNode spec = Trees.objectOrCreate(service, "spec");
    JsonNode oldSpec = oldService.path("spec");
    keepAllocatedValues(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode service, ObjectNode oldService) {
    PodStrategy.copy(oldService, service, "spec");
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode service) {
    return ServiceValidation.validateService(service);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode service, ObjectNode oldService) {
    return ServiceValidation.validateServiceUpdate(service, oldService);
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode service, ObjectNode oldService) {
    return ServiceValidation.validateServiceStatusUpdate(service);
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  /** patchAllocatedValues: a client that omits an assigned cluster IP or node port keeps it. */
  private static void keepAllocatedValues(ObjectNode spec, JsonNode oldSpec) {
    String type = typeOf(spec);
    String oldType = typeOf(oldSpec);
    boolean bothNeedClusterIp = !type.equals("ExternalName") && !oldType.equals("ExternalName");
    if (bothNeedClusterIp
        && Trees.text(spec, "clusterIP").isEmpty()
        && Trees.isEmpty(spec.get("clusterIPs"))
        && !Trees.text(oldSpec, "clusterIP").isEmpty()) {
      spec.put("clusterIP", Trees.text(oldSpec, "clusterIP"));
      PodStrategy.copy((ObjectNode) oldSpec, spec, "clusterIPs");
    }
    if (needsNodePorts(type) && needsNodePorts(oldType)) {
      for (ObjectNode port : Trees.objects(spec, "ports")) {
        if (port.path("nodePort").asLong(0) != 0) {
          continue;
        }
        for (ObjectNode old : Trees.objects(oldSpec, "ports")) {
          if (old.path("port").asLong() == port.path("port").asLong()
              && Trees.text(old, "protocol").equals(Trees.text(port, "protocol"))
              && old.path("nodePort").asLong(0) != 0) {
            port.set("nodePort", old.get("nodePort"));
          }
        }
      }
    }
    if (type.equals("LoadBalancer")
        && oldType.equals("LoadBalancer")
        && spec.path("healthCheckNodePort").asLong(0) == 0
        && oldSpec.path("healthCheckNodePort").asLong(0) != 0) {
      spec.set("healthCheckNodePort", oldSpec.get("healthCheckNodePort"));
    }
  }

  /** dropTypeDependentFields: only what the client left as it was. */
  private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec) {
    String type = typeOf(spec);
    String oldType = typeOf(oldSpec);
    if (type.equals(oldType)) {
      return;
    }
    if (type.equals("ExternalName")) {
      for (String field : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")) {
        if (Trees.semanticEquals(spec.get(field), oldSpec.get(field))) {
          spec.remove(field);
        }
      }
      if (Trees.semanticEquals(
          spec.get("internalTrafficPolicy"), oldSpec.get("internalTrafficPolicy"))) {
        spec.remove("internalTrafficPolicy");
      }
    }
    if (!needsNodePorts(type) && sameNodePorts(spec, oldSpec)) {
      for (ObjectNode port : Trees.objects(spec, "ports")) {
        port.remove("nodePort");
      }
    }
    if (!type.equals("LoadBalancer")) {
      for (String field :
          List.of("healthCheckNodePort", "allocateLoadBalancerNodePorts", "loadBalancerClass")) {
        if (Trees.semanticEquals(spec.get(field), oldSpec.get(field))) {
          spec.remove(field);
        }
      }
    }
    if (!ServiceDefaults.externallyAccessible(spec)
        && Trees.semanticEquals(
            spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
      spec.remove("externalTrafficPolicy");
    }
  }

  /** The type as defaulting will leave it: this runs before defaults are applied. */
  private static String typeOf(JsonNode spec) {
    String type = Trees.text(spec, "type");
    return type.isEmpty() ? "ClusterIP" : type;
  }

  private static boolean needsNodePorts(String type) {
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }

  private static boolean sameNodePorts(JsonNode spec, JsonNode oldSpec) {
    List<ObjectNode> ports = Trees.objects(spec, "ports");
    List<ObjectNode> oldPorts = Trees.objects(oldSpec, "ports");
    for (ObjectNode port : ports) {
      long nodePort = port.path("nodePort").asLong(0);
      if (nodePort == 0) {
        continue;
      }
      boolean found = false;
      for (ObjectNode old : oldPorts) {
        found |= old.path("nodePort").asLong(0) == nodePort;
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
