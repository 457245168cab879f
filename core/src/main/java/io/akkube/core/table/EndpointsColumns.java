package io.akkube.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Name, Endpoints, Age}, as printEndpoints: the first three {@code ip:port} pairs and how
 * many more ({@code 10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...}).
 */
final class EndpointsColumns implements ColumnSet {

  static final int MAX_SHOWN = 3;

  private static final List<Column> COLUMNS =
      List.of(
          Column.nameColumn(),
          Column.of(
              "Endpoints",
              "string",
              "The set of all endpoints is the union of all subsets. Addresses are placed into"
                  + " subsets according to the IPs they share."),
          Column.ageColumn());

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode endpoints, Instant now) {
    return List.of(Json.name(endpoints), format(endpoints), Cells.age(endpoints, now));
  }

  /** formatEndpoints; only ready addresses count, a subset without ports lists bare IPs. */
  static String format(JsonNode endpoints) {
    JsonNode subsets = endpoints.path("subsets");
    if (subsets.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    int count = 0;
    boolean more = false;
    for (JsonNode subset : subsets) {
      JsonNode addresses = subset.path("addresses");
      JsonNode ports = subset.path("ports");
      if (ports.isEmpty()) {
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (shown.size() == MAX_SHOWN) {
            more = true;
            break;
          }
          shown.add(Json.text(address, "ip"));
        }
        continue;
      }
      for (JsonNode port : ports) {
        count += addresses.size();
        for (JsonNode address : addresses) {
          if (shown.size() == MAX_SHOWN) {
            more = true;
            break;
          }
          shown.add(hostPort(Json.text(address, "ip"), port.path("port").asLong(0)));
        }
      }
    }
    String joined = String.join(",", shown);
    return more ? joined + " + " + (count - MAX_SHOWN) + " more..." : joined;
  }

  /** net.JoinHostPort: IPv6 addresses in brackets. */
  private static String hostPort(String ip, long port) {
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
  }
}
