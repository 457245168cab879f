package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.IpValidation;
import io.akkube.core.validation.NameValidation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidateEndpoints without the metadata part: every subset has addresses, every address is a
 * usable endpoint IP (ValidateEndpointIP), ports are named when there are several.
 */
public final class EndpointsValidation {

  static final List<String> PORT_PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private EndpointsValidation() {}

  public static List<FieldError> validateEndpoints(ObjectNode endpoints) {
    List<FieldError> errs = new ArrayList<>();
    int i = 0;
    for (JsonNode subset : endpoints.path("subsets")) {
      String path = "subsets[" + i++ + "]";
      if (subset.path("addresses").isEmpty() && subset.path("notReadyAddresses").isEmpty()) {
        errs.add(FieldError.required(path, "must specify `addresses` or `notReadyAddresses`"));
      }
      for (String list : List.of("addresses", "notReadyAddresses")) {
        int a = 0;
        for (JsonNode address : subset.path(list)) {
          errs.addAll(validateAddress(address, path + "." + list + "[" + a++ + "]"));
        }
      }
      int p = 0;
      boolean requireName = subset.path("ports").size() > 1;
      for (JsonNode port : subset.path("ports")) {
        errs.addAll(validatePort(port, requireName, path + ".ports[" + p++ + "]"));
      }
    }
    return errs;
  }

  /**
   * ValidateEndpointIP: an IP, and not unspecified or link-local. Unlike Kubernetes, loopback
   * addresses are allowed: akkube's nodes and pods live on 127.0.0.0/8 (DESIGN.md §7), so every
   * endpoint of a test cluster is one (docs/decisions/0006-service-allocation.md).
   */
  public static List<FieldError> validateEndpointIp(String ip, String path) {
    InetAddress address = IpValidation.parse(ip);
    if (address == null) {
      return List.of(FieldError.invalid(path, ip, "must be a valid IP address"));
    }
    List<FieldError> errs = new ArrayList<>();
    if (address.isAnyLocalAddress()) {
      errs.add(FieldError.invalid(path, ip, "may not be unspecified (" + ip + ")"));
    }
    if (address.isLinkLocalAddress()) {
      errs.add(
          FieldError.invalid(
              path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    }
    if (address.isMCLinkLocal()) {
      errs.add(
          FieldError.invalid(
              path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
    return errs;
  }

  private static List<FieldError> validateAddress(JsonNode address, String path) {
    List<FieldError> errs =
        new ArrayList<>(validateEndpointIp(Trees.text(address, "ip"), path + ".ip"));
    String hostname = Trees.text(address, "hostname");
    if (!hostname.isEmpty()) {
      for (String msg : NameValidation.isDNS1123Label(hostname)) {
        errs.add(FieldError.invalid(path + ".hostname", hostname, msg));
      }
    }
    String nodeName = Trees.text(address, "nodeName");
    if (!nodeName.isEmpty()) {
      for (String msg : NameValidation.isDNS1123Subdomain(nodeName)) {
        errs.add(FieldError.invalid(path + ".nodeName", nodeName, msg));
      }
    }
    return errs;
  }

  private static List<FieldError> validatePort(JsonNode port, boolean requireName, String path) {
    List<FieldError> errs = new ArrayList<>();
    String name = Trees.text(port, "name");
    if (requireName && name.isEmpty()) {
      errs.add(FieldError.required(path + ".name", ""));
    } else if (!name.isEmpty()) {
      for (String msg : NameValidation.isDNS1123Label(name)) {
        errs.add(FieldError.invalid(path + ".name", name, msg));
      }
    }
    long number = port.path("port").asLong(0);
    for (String msg : NameValidation.isValidPortNum(number)) {
      errs.add(FieldError.invalid(path + ".port", number, msg));
    }
    errs.addAll(protocol(Trees.text(port, "protocol"), path + ".protocol"));
    return errs;
  }

  static List<FieldError> protocol(String protocol, String path) {
    if (protocol.isEmpty()) {
      return List.of(FieldError.required(path, ""));
    }
    if (!PORT_PROTOCOLS.contains(protocol)) {
      return List.of(FieldError.notSupported(path, protocol, PORT_PROTOCOLS));
    }
    return List.of();
  }
}
