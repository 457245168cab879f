package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.GoValues;
import io.akkube.core.validation.IpValidation;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ValidateService / ValidateServiceUpdate / ValidateServiceStatusUpdate without the metadata part.
 * Only syntax: whether a nodePort lies in the node-port range or an IP in the service CIDR is the
 * allocators' business.
 */
public final class ServiceValidation {

  private static final List<String> TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> SESSION_AFFINITIES = List.of("ClientIP", "None");
  private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
  private static final List<String> IP_FAMILY_POLICIES =
      List.of("PreferDualStack", "RequireDualStack", "SingleStack");
  private static final List<String> IP_FAMILIES = List.of("IPv4", "IPv6");
  private static final int MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

  private ServiceValidation() {}

  public static List<FieldError> validateService(ObjectNode service) {
    JsonNode spec = service.path("spec");
    String type = Trees.text(spec, "type");
    boolean headless = ServiceDefaults.isHeadless(spec);
    List<ObjectNode> ports = Trees.objects(spec, "ports");
    List<FieldError> errs = new ArrayList<>();
    if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
      errs.add(FieldError.required("spec.ports", ""));
    }
    switch (type) {
      case "LoadBalancer", "NodePort" -> {
        if (headless) {
          errs.add(
              FieldError.invalid(
                  "spec.clusterIPs[0]",
                  "None",
                  "may not be set to 'None' for " + type + " services"));
        }
      }
      case "ExternalName" -> errs.addAll(validateExternalName(spec));
      default -> {}
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      errs.addAll(validatePort(ports.get(i), ports.size() > 1, names, "spec.ports[" + i + "]"));
    }
    errs.addAll(MetadataValidation.validateLabels(spec.path("selector"), "spec.selector"));
    errs.addAll(validateSessionAffinity(spec));
    if (!type.equals("ExternalName")) {
      errs.addAll(validateClusterIps(spec));
    }
    int i = 0;
    for (JsonNode ip : spec.path("externalIPs")) {
      String path = "spec.externalIPs[" + i++ + "]";
      if (!IpValidation.isIP(ip.asText())) {
        errs.add(FieldError.invalid(path, ip.asText(), IpValidation.INVALID_IP));
      }
    }
    if (type.isEmpty()) {
      errs.add(FieldError.required("spec.type", ""));
    } else if (!TYPES.contains(type)) {
      errs.add(FieldError.notSupported("spec.type", type, TYPES));
    }
    errs.addAll(validateNodePorts(ports, type));
    if (!type.equals("LoadBalancer")) {
      if (!Trees.isEmpty(spec.get("loadBalancerSourceRanges"))) {
        errs.add(
            FieldError.forbidden(
                "spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
      }
      if (Trees.has(spec, "allocateLoadBalancerNodePorts")) {
        errs.add(
            FieldError.forbidden(
                "spec.allocateLoadBalancerNodePorts",
                "may only be used when `type` is 'LoadBalancer'"));
      }
    }
    errs.addAll(validateTrafficPolicies(spec, type));
    errs.addAll(validateIpFamilies(spec, type));
    return errs;
  }

  /**
   * The service rules again, and the primary cluster IP and IP family never change once set (unless
   * the service is or becomes an ExternalName).
   */
  public static List<FieldError> validateServiceUpdate(ObjectNode service, ObjectNode oldService) {
    List<FieldError> errs = validateService(service);
    JsonNode spec = service.path("spec");
    JsonNode oldSpec = oldService.path("spec");
    if (Trees.text(spec, "type").equals("ExternalName")
        || Trees.text(oldSpec, "type").equals("ExternalName")) {
      return errs;
    }
    JsonNode ips = spec.path("clusterIPs");
    JsonNode oldIps = oldSpec.path("clusterIPs");
    if (ips.size() > 0 && oldIps.size() > 0 && !ips.get(0).equals(oldIps.get(0))) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              "spec.clusterIPs[0]",
              GoValues.stringSlice(ips),
              "may not change once set"));
    }
    JsonNode families = spec.path("ipFamilies");
    JsonNode oldFamilies = oldSpec.path("ipFamilies");
    if (families.size() > 0
        && oldFamilies.size() > 0
        && !families.get(0).equals(oldFamilies.get(0))) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              "spec.ipFamilies[0]",
              GoValues.stringSlice(families).replace("[]string", "[]core.IPFamily"),
              "may not change once set"));
    }
    return errs;
  }

  /** Load-balancer ingress points must be IPs or host names. */
  public static List<FieldError> validateServiceStatusUpdate(ObjectNode service) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
      String path = "status.loadBalancer.ingress[" + i++ + "]";
      String ip = Trees.text(ingress, "ip");
      if (!ip.isEmpty() && !IpValidation.isIP(ip)) {
        errs.add(FieldError.invalid(path + ".ip", ip, "must be a valid IP address"));
      }
      String hostname = Trees.text(ingress, "hostname");
      if (!hostname.isEmpty()) {
        for (String msg : NameValidation.isDNS1123Subdomain(hostname)) {
          errs.add(FieldError.invalid(path + ".hostname", hostname, msg));
        }
        if (IpValidation.isIP(hostname)) {
          errs.add(
              FieldError.invalid(
                  path + ".hostname", hostname, "must be a DNS name, not an IP address"));
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validateExternalName(JsonNode spec) {
    List<FieldError> errs = new ArrayList<>();
    if (!Trees.isEmpty(spec.get("clusterIPs")) || !Trees.text(spec, "clusterIP").isEmpty()) {
      errs.add(FieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    }
    if (!Trees.isEmpty(spec.get("ipFamilies"))) {
      errs.add(FieldError.forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    }
    if (Trees.has(spec, "ipFamilyPolicy")) {
      errs.add(
          FieldError.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    }
    // A trailing dot marks the name fully qualified.
    String cname = Trees.text(spec, "externalName");
    if (cname.endsWith(".")) {
      cname = cname.substring(0, cname.length() - 1);
    }
    if (cname.isEmpty()) {
      errs.add(FieldError.required("spec.externalName", ""));
    } else {
      for (String msg : NameValidation.isDNS1123Subdomain(cname)) {
        errs.add(FieldError.invalid("spec.externalName", cname, msg));
      }
    }
    return errs;
  }

  private static List<FieldError> validatePort(
      ObjectNode port, boolean requireName, Set<String> names, String path) {
    List<FieldError> errs = new ArrayList<>();
    String name = Trees.text(port, "name");
    if (requireName && name.isEmpty()) {
      errs.add(FieldError.required(path + ".name", ""));
    } else if (!name.isEmpty()) {
      for (String msg : NameValidation.isDNS1123Label(name)) {
        errs.add(FieldError.invalid(path + ".name", name, msg));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path + ".name", name));
      }
    }
    long number = port.path("port").asLong(0);
    for (String msg : NameValidation.isValidPortNum(number)) {
      errs.add(FieldError.invalid(path + ".port", number, msg));
    }
    errs.addAll(EndpointsValidation.protocol(Trees.text(port, "protocol"), path + ".protocol"));
    JsonNode target = port.get("targetPort");
    if (target != null && target.isTextual()) {
      for (String msg : NameValidation.isValidPortName(target.asText())) {
        errs.add(FieldError.invalid(path + ".targetPort", target.asText(), msg));
      }
    } else {
      long value = target == null ? 0 : target.asLong(0);
      for (String msg : NameValidation.isValidPortNum(value)) {
        errs.add(FieldError.invalid(path + ".targetPort", value, msg));
      }
    }
    return errs;
  }

  private static List<FieldError> validateSessionAffinity(JsonNode spec) {
    List<FieldError> errs = new ArrayList<>();
    String affinity = Trees.text(spec, "sessionAffinity");
    JsonNode config = spec.get("sessionAffinityConfig");
    if (affinity.isEmpty()) {
      errs.add(FieldError.required("spec.sessionAffinity", ""));
    } else if (!SESSION_AFFINITIES.contains(affinity)) {
      errs.add(FieldError.notSupported("spec.sessionAffinity", affinity, SESSION_AFFINITIES));
    } else if (affinity.equals("ClientIP")) {
      JsonNode timeout = spec.path("sessionAffinityConfig").path("clientIP").get("timeoutSeconds");
      long seconds = timeout == null ? 0 : timeout.asLong(0);
      if (seconds <= 0 || seconds > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
        errs.add(
            FieldError.invalid(
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                seconds,
                "must be greater than 0 and less than " + MAX_CLIENT_IP_TIMEOUT_SECONDS));
      }
    } else if (config != null && !config.isNull()) {
      errs.add(
          FieldError.forbidden(
              "spec.sessionAffinityConfig", "must not be set when session affinity is None"));
    }
    return errs;
  }

  private static List<FieldError> validateClusterIps(JsonNode spec) {
    List<FieldError> errs = new ArrayList<>();
    String clusterIp = Trees.text(spec, "clusterIP");
    JsonNode clusterIps = spec.path("clusterIPs");
    if (clusterIps.size() > 0 && !clusterIps.get(0).asText().equals(clusterIp)) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              "spec.clusterIPs",
              GoValues.stringSlice(clusterIps),
              "first value must match `clusterIP`"));
      return errs;
    }
    if (clusterIps.size() > 2) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              "spec.clusterIPs",
              GoValues.stringSlice(clusterIps),
              "may only hold up to 2 values"));
    }
    for (int i = 0; i < clusterIps.size(); i++) {
      String ip = clusterIps.get(i).asText();
      String path = "spec.clusterIPs[" + i + "]";
      if (ip.equals("None")) {
        if (clusterIps.size() > 1) {
          errs.add(FieldError.invalid(path, ip, "'None' must be the first and only value"));
        }
      } else if (!IpValidation.isIP(ip)) {
        errs.add(FieldError.invalid(path, ip, IpValidation.INVALID_IP));
      }
    }
    return errs;
  }

  private static List<FieldError> validateNodePorts(List<ObjectNode> ports, String type) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> nodePorts = new HashSet<>();
    Set<String> portKeys = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      ObjectNode port = ports.get(i);
      String path = "spec.ports[" + i + "]";
      long nodePort = port.path("nodePort").asLong(0);
      String protocol = Trees.text(port, "protocol");
      if (type.equals("ClusterIP") && nodePort != 0) {
        errs.add(
            FieldError.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
      }
      if (nodePort != 0) {
        for (String msg : NameValidation.isValidPortNum(nodePort)) {
          errs.add(FieldError.invalid(path + ".nodePort", nodePort, msg));
        }
        if (!nodePorts.add(protocol + "/" + nodePort)) {
          errs.add(FieldError.duplicate(path + ".nodePort", nodePort));
        }
      }
      long number = port.path("port").asLong(0);
      if (!portKeys.add(protocol + "/" + number)) {
        errs.add(
            new FieldError(
                FieldError.Type.DUPLICATE,
                path,
                "core.ServicePort{Name:\"\", Protocol:"
                    + GoValues.quote(protocol)
                    + ", AppProtocol:(*string)(nil), Port:"
                    + number
                    + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"},"
                    + " NodePort:0}",
                null));
      }
    }
    return errs;
  }

  private static List<FieldError> validateTrafficPolicies(JsonNode spec, String type) {
    List<FieldError> errs = new ArrayList<>();
    String external = Trees.text(spec, "externalTrafficPolicy");
    if (!ServiceDefaults.externallyAccessible(spec)) {
      if (!external.isEmpty()) {
        errs.add(
            FieldError.invalid(
                "spec.externalTrafficPolicy",
                external,
                "may only be set for externally-accessible services"));
      }
    } else if (external.isEmpty()) {
      errs.add(FieldError.required("spec.externalTrafficPolicy", ""));
    } else if (!TRAFFIC_POLICIES.contains(external)) {
      errs.add(FieldError.notSupported("spec.externalTrafficPolicy", external, TRAFFIC_POLICIES));
    }
    long healthCheckNodePort = spec.path("healthCheckNodePort").asLong(0);
    boolean needsHealthCheck = type.equals("LoadBalancer") && external.equals("Local");
    if (!needsHealthCheck && healthCheckNodePort != 0) {
      errs.add(
          FieldError.invalid(
              "spec.healthCheckNodePort",
              healthCheckNodePort,
              "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is"
                  + " 'Local'"));
    } else if (healthCheckNodePort != 0) {
      for (String msg : NameValidation.isValidPortNum(healthCheckNodePort)) {
        errs.add(FieldError.invalid("spec.healthCheckNodePort", healthCheckNodePort, msg));
      }
    }
    if (!type.equals("ExternalName")) {
      String internal = Trees.text(spec, "internalTrafficPolicy");
      if (internal.isEmpty()) {
        errs.add(FieldError.required("spec.internalTrafficPolicy", ""));
      } else if (!TRAFFIC_POLICIES.contains(internal)) {
        errs.add(FieldError.notSupported("spec.internalTrafficPolicy", internal, TRAFFIC_POLICIES));
      }
    }
    return errs;
  }

  private static List<FieldError> validateIpFamilies(JsonNode spec, String type) {
    List<FieldError> errs = new ArrayList<>();
    if (type.equals("ExternalName")) {
      return errs;
    }
    String policy = Trees.text(spec, "ipFamilyPolicy");
    if (Trees.has(spec, "ipFamilyPolicy") && !IP_FAMILY_POLICIES.contains(policy)) {
      errs.add(FieldError.notSupported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES));
    }
    Set<String> seen = new HashSet<>();
    int i = 0;
    for (JsonNode family : spec.path("ipFamilies")) {
      String path = "spec.ipFamilies[" + i++ + "]";
      String value = family.asText();
      if (!IP_FAMILIES.contains(value)) {
        errs.add(FieldError.notSupported(path, value, IP_FAMILIES));
      } else if (!seen.add(value)) {
        errs.add(FieldError.duplicate(path, value));
      }
    }
    return errs;
  }
}
