package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Name, AddressType, Ports, Endpoints, Age}, as printEndpointSlice: at most three ports and
 * three addresses, then {@code + N more...}; {@code <unset>} when there are none.
 */
final class EndpointSliceColumns implements ColumnSet {

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "AddressType",
              "string",
              "addressType specifies the type of address carried by this EndpointSlice."),
          Column.of(
              "Ports",
              "string",
              "ports specifies the list of network ports exposed by each endpoint in this slice."),
          Column.of(
              "Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode slice, Instant now) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : slice.path("ports")) {
      if (port.hasNonNull("port")) {
        ports.add(String.valueOf(port.path("port").asLong()));
      } else if (port.hasNonNull("name")) {
        ports.add(port.path("name").asText());
      } else {
        ports.add("<unset>");
      }
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode endpoint : slice.path("endpoints")) {
      endpoint.path("addresses").forEach(a -> addresses.add(a.asText()));
    }
    return List.of(
        Json.name(slice),
        Json.text(slice, "addressType"),
        firstThree(ports),
        firstThree(addresses),
        Cells.age(slice, now));
  }

  /** listWithMoreString. */
  static String firstThree(List<String> values) {
    int max = EndpointsColumns.MAX_SHOWN;
    String joined = String.join(",", values.subList(0, Math.min(max, values.size())));
    if (values.size() > max) {
      return joined + " + " + (values.size() - max) + " more...";
    }
    return joined.isEmpty() ? "<unset>" : joined;
  }
}
