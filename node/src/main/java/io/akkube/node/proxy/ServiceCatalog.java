package io.akkube.node.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * What the proxy and the cluster DNS know of the API at one moment: every Service and every
 * Endpoints object, keyed {@code namespace/name}. The trees are shared, never modified.
 */
public record ServiceCatalog(Map<String, ObjectNode> services, Map<String, ObjectNode> endpoints) {

  public static final ServiceCatalog EMPTY = new ServiceCatalog(Map.of(), Map.of());

  public ServiceCatalog {
    services = Map.copyOf(services);
    endpoints = Map.copyOf(endpoints);
  }

  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  public Optional<ObjectNode> service(String namespace, String name) {
    return Optional.ofNullable(services.get(key(namespace, name)));
  }

  public Optional<ObjectNode> endpoints(String namespace, String name) {
    return Optional.ofNullable(endpoints.get(key(namespace, name)));
  }
}
