package io.akkube.core.api.discovery.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.IpValidation;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ValidateEndpointSlice / ValidateEndpointSliceUpdate without the metadata part: a known address
 * type that never changes, addresses of that type, bounded lists, unique port names.
 */
public final class EndpointSliceValidation {

  public static final int MAX_ENDPOINTS = 1000;
  public static final int MAX_ADDRESSES = 100;
  public static final int MAX_PORTS = 20000;

  private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private EndpointSliceValidation() {}

  public static List<FieldError> validateEndpointSlice(ObjectNode slice) {
    List<FieldError> errs = new ArrayList<>();
    String addressType = slice.path("addressType").asText("");
    if (addressType.isEmpty()) {
      errs.add(FieldError.required("addressType", ""));
    } else if (!ADDRESS_TYPES.contains(addressType)) {
      errs.add(FieldError.notSupported("addressType", addressType, ADDRESS_TYPES));
    }
    errs.addAll(validateEndpoints(slice.path("endpoints"), addressType));
    errs.addAll(validatePorts(slice.path("ports")));
    return errs;
  }

  public static List<FieldError> validateEndpointSliceUpdate(ObjectNode slice, ObjectNode old) {
    List<FieldError> errs = validateEndpointSlice(slice);
    String addressType = slice.path("addressType").asText("");
    if (!addressType.equals(old.path("addressType").asText(""))) {
      errs.add(FieldError.invalid("addressType", addressType, MetadataValidation.FIELD_IMMUTABLE));
    }
    return errs;
  }

  private static List<FieldError> validateEndpoints(JsonNode endpoints, String addressType) {
    List<FieldError> errs = new ArrayList<>();
    if (endpoints.size() > MAX_ENDPOINTS) {
      errs.add(tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS));
      return errs;
    }
    int i = 0;
    for (JsonNode endpoint : endpoints) {
      String path = "endpoints[" + i++ + "]";
      JsonNode addresses = endpoint.path("addresses");
      if (addresses.isEmpty()) {
        errs.add(FieldError.required(path + ".addresses", "must contain at least 1 address"));
      } else if (addresses.size() > MAX_ADDRESSES) {
        errs.add(tooMany(path + ".addresses", addresses.size(), MAX_ADDRESSES));
      }
      int a = 0;
      for (JsonNode address : addresses) {
        String addressPath = path + ".addresses[" + a++ + "]";
        String value = address.asText();
        switch (addressType) {
          case "IPv4" -> {
            if (!IpValidation.isIPv4(value)) {
              errs.add(FieldError.invalid(addressPath, value, IpValidation.INVALID_IPV4));
            }
          }
          case "IPv6" -> {
            if (!IpValidation.isIPv6(value)) {
              errs.add(FieldError.invalid(addressPath, value, IpValidation.INVALID_IPV6));
            }
          }
          case "FQDN" -> {
            for (String msg : NameValidation.isDNS1123Subdomain(value)) {
              errs.add(FieldError.invalid(addressPath, value, msg));
            }
          }
          default -> {}
        }
      }
      String hostname = endpoint.path("hostname").asText("");
      if (endpoint.hasNonNull("hostname")) {
        for (String msg : NameValidation.isDNS1123Label(hostname)) {
          errs.add(FieldError.invalid(path + ".hostname", hostname, msg));
        }
      }
      String nodeName = endpoint.path("nodeName").asText("");
      if (endpoint.hasNonNull("nodeName")) {
        for (String msg : NameValidation.isDNS1123Subdomain(nodeName)) {
          errs.add(FieldError.invalid(path + ".nodeName", nodeName, msg));
        }
      }
    }
    return errs;
  }

  private static List<FieldError> validatePorts(JsonNode ports) {
    List<FieldError> errs = new ArrayList<>();
    if (ports.size() > MAX_PORTS) {
      errs.add(tooMany("ports", ports.size(), MAX_PORTS));
      return errs;
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode port : ports) {
      String path = "ports[" + i++ + "]";
      String name = port.path("name").asText("");
      if (!name.isEmpty()) {
        for (String msg : NameValidation.isDNS1123Label(name)) {
          errs.add(FieldError.invalid(path + ".name", name, msg));
        }
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path + ".name", name));
      }
      String protocol = port.path("protocol").asText("");
      if (protocol.isEmpty()) {
        errs.add(FieldError.required(path + ".protocol", ""));
      } else if (!PROTOCOLS.contains(protocol)) {
        errs.add(FieldError.notSupported(path + ".protocol", protocol, PROTOCOLS));
      }
      if (port.hasNonNull("port")) {
        long number = port.path("port").asLong(0);
        for (String msg : NameValidation.isValidPortNum(number)) {
          errs.add(FieldError.invalid(path + ".port", number, msg));
        }
      }
    }
    return errs;
  }

  /** field.TooMany: {@code endpoints: Too many: 1001: must have at most 1000 items}. */
  private static FieldError tooMany(String path, int actual, int max) {
    return new FieldError(
        FieldError.Type.TOO_MANY, path, null, actual + ": must have at most " + max + " items");
  }
}
