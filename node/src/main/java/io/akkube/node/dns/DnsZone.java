package io.akkube.node.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.node.proxy.ServiceCatalog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The cluster domain's answers as a pure function of the catalog (the Kubernetes DNS specification,
 * as CoreDNS's kubernetes plugin serves it): {@code <svc>.<ns>.svc.<domain>} A (ClusterIP, or the
 * ready addresses of a headless service), CNAME for ExternalName, {@code
 * <hostname>.<svc>.<ns>.svc.<domain>} for headless endpoints with a hostname, SRV {@code
 * _<port>._<proto>.<svc>.<ns>.svc.<domain>} for named ports, {@code a-b-c-d.<ns>.pod.<domain>}, and
 * PTR for ClusterIPs and named headless endpoints. A name that exists without data of the asked
 * type is NOERROR with no answer; unknown names in the domain are NXDOMAIN, both with the SOA.
 */
public final class DnsZone {

  private final Name zone;
  private final long ttl;
  private final SOARecord soa;

  public DnsZone(String clusterDomain, long ttl) {
    try {
      this.zone =
          Name.fromString(clusterDomain.endsWith(".") ? clusterDomain : clusterDomain + ".");
      this.ttl = ttl;
      this.soa =
          new SOARecord(
              zone,
              DClass.IN,
              ttl,
              Name.fromString("ns.dns", zone),
              Name.fromString("hostmaster", zone),
              1,
              7200,
              1800,
              86400,
              ttl);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("invalid cluster domain " + clusterDomain, e);
    }
  }

  public Name zone() {
    return zone;
  }

  /**
   * The answer to {@code query}, or empty when its name is outside the cluster domain (and not the
   * reverse name of a ClusterIP): the server then forwards it or refuses.
   */
  public Optional<Message> answer(Message query, ServiceCatalog catalog) {
    Record question = query.getQuestion();
    Message response = reply(query);
    if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
      response.getHeader().setRcode(question == null ? Rcode.FORMERR : Rcode.NOTIMP);
      return Optional.of(response);
    }
    Name name = question.getName();
    int type = question.getType();
    if (name.toString().toLowerCase(Locale.ROOT).endsWith(".in-addr.arpa.")) {
      List<Record> ptr = ptr(name, catalog);
      if (ptr.isEmpty()) {
        return Optional.empty();
      }
      response.getHeader().setFlag(Flags.AA);
      if (type == Type.PTR || type == Type.ANY) {
        ptr.forEach(r -> response.addRecord(r, Section.ANSWER));
      } else {
        response.addRecord(soa, Section.AUTHORITY);
      }
      return Optional.of(response);
    }
    if (!name.subdomain(zone)) {
      return Optional.empty();
    }
    response.getHeader().setFlag(Flags.AA);
    List<String> labels = labels(name.relativize(zone));
    Lookup found;
    try {
      found = lookup(name, labels, catalog);
    } catch (TextParseException | NameTooLongException | UnknownHostException e) {
      found = Lookup.NXDOMAIN;
    }
    if (found == Lookup.NXDOMAIN) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      response.addRecord(soa, Section.AUTHORITY);
      return Optional.of(response);
    }
    boolean any = false;
    for (Record r : found.records()) {
      if (type == Type.ANY || r.getType() == type || r.getType() == Type.CNAME) {
        response.addRecord(r, Section.ANSWER);
        any = true;
      }
    }
    if (any) {
      found.additional().forEach(r -> response.addRecord(r, Section.ADDITIONAL));
    } else if (labels.isEmpty() && type == Type.SOA) {
      response.addRecord(soa, Section.ANSWER);
    } else {
      response.addRecord(soa, Section.AUTHORITY);
    }
    return Optional.of(response);
  }

  /** An empty response to {@code query}: its id, QR, RD copied, the question. */
  public static Message reply(Message query) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return response;
  }

  /** What a name holds: records (all types; the caller filters), additional ones, or NXDOMAIN. */
  private record Lookup(List<Record> records, List<Record> additional) {
    static final Lookup NXDOMAIN = new Lookup(List.of(), List.of());
    static final Lookup EMPTY_NAME = new Lookup(List.of(), List.of());
  }

  private Lookup lookup(Name name, List<String> labels, ServiceCatalog catalog)
      throws TextParseException, NameTooLongException, UnknownHostException {
    int n = labels.size();
    if (n == 0) {
      return Lookup.EMPTY_NAME;
    }
    String kind = labels.get(n - 1);
    if (kind.equals("svc")) {
      if (n == 1) {
        return Lookup.EMPTY_NAME;
      }
      String ns = labels.get(n - 2);
      if (n == 2) {
        return catalog.services().values().stream().anyMatch(s -> Json.namespace(s).equals(ns))
            ? Lookup.EMPTY_NAME
            : Lookup.NXDOMAIN;
      }
      Optional<ObjectNode> service = catalog.service(ns, labels.get(n - 3));
      if (service.isEmpty()) {
        return Lookup.NXDOMAIN;
      }
      JsonNode endpoints = catalog.endpoints(ns, labels.get(n - 3)).orElse(null);
      return switch (n) {
        case 3 -> service(name, service.get(), endpoints);
        case 4 -> endpoint(name, labels.get(0), endpoints);
        case 5 -> srv(name, labels, service.get(), endpoints);
        default -> Lookup.NXDOMAIN;
      };
    }
    if (kind.equals("pod") && n == 3) {
      String ip = labels.get(0).replace('-', '.');
      if (ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        return new Lookup(List.of(a(name, ip)), List.of());
      }
    }
    return Lookup.NXDOMAIN;
  }

  private Lookup service(Name name, JsonNode service, JsonNode endpoints)
      throws TextParseException, UnknownHostException {
    JsonNode spec = service.path("spec");
    if (spec.path("type").asText("").equals("ExternalName")) {
      String target = spec.path("externalName").asText("");
      return target.isEmpty()
          ? Lookup.EMPTY_NAME
          : new Lookup(
              List.of(new CNAMERecord(name, DClass.IN, ttl, Name.fromString(target, Name.root))),
              List.of());
    }
    String clusterIp = spec.path("clusterIP").asText("");
    if (clusterIp.equals("None")) {
      List<Record> records = new ArrayList<>();
      for (String ip : readyAddresses(endpoints)) {
        records.add(a(name, ip));
      }
      return new Lookup(records, List.of());
    }
    if (clusterIp.isEmpty() || !isIpv4(clusterIp)) {
      return Lookup.EMPTY_NAME;
    }
    return new Lookup(List.of(a(name, clusterIp)), List.of());
  }

  /** {@code <hostname>} or {@code a-b-c-d} of an endpoint of the service. */
  private Lookup endpoint(Name name, String label, JsonNode endpoints) throws UnknownHostException {
    List<Record> records = new ArrayList<>();
    for (JsonNode address : addresses(endpoints)) {
      String ip = address.path("ip").asText("");
      String hostname = address.path("hostname").asText("").toLowerCase(Locale.ROOT);
      if (label.equals(hostname) || label.equals(ip.replace('.', '-'))) {
        records.add(a(name, ip));
      }
    }
    return records.isEmpty() ? Lookup.NXDOMAIN : new Lookup(records, List.of());
  }

  private Lookup srv(Name name, List<String> labels, JsonNode service, JsonNode endpoints)
      throws TextParseException, NameTooLongException, UnknownHostException {
    String port = labels.get(0);
    String proto = labels.get(1);
    if (!port.startsWith("_") || !proto.startsWith("_")) {
      return Lookup.NXDOMAIN;
    }
    String portName = port.substring(1);
    String protocol = proto.substring(1).toUpperCase(Locale.ROOT);
    Name serviceName = new Name(name, 2);
    boolean headless = service.path("spec").path("clusterIP").asText("").equals("None");
    List<Record> records = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    for (JsonNode p : service.path("spec").path("ports")) {
      if (!p.path("name").asText("").equalsIgnoreCase(portName)
          || !p.path("protocol").asText("TCP").equals(protocol)) {
        continue;
      }
      if (!headless) {
        records.add(
            new SRVRecord(name, DClass.IN, ttl, 0, 100, p.path("port").asInt(), serviceName));
        String clusterIp = service.path("spec").path("clusterIP").asText("");
        if (isIpv4(clusterIp)) {
          additional.add(a(serviceName, clusterIp));
        }
        continue;
      }
      for (JsonNode subset : subsets(endpoints)) {
        for (JsonNode ep : subset.path("ports")) {
          if (!ep.path("name").asText("").equalsIgnoreCase(portName)) {
            continue;
          }
          for (JsonNode address : subset.path("addresses")) {
            String ip = address.path("ip").asText("");
            String host = address.path("hostname").asText("");
            Name target =
                Name.concatenate(
                    Name.fromString(host.isEmpty() ? ip.replace('.', '-') : host), serviceName);
            records.add(
                new SRVRecord(name, DClass.IN, ttl, 0, 100, ep.path("port").asInt(), target));
            additional.add(a(target, ip));
          }
        }
      }
    }
    return records.isEmpty() ? Lookup.NXDOMAIN : new Lookup(records, additional);
  }

  private List<Record> ptr(Name reverse, ServiceCatalog catalog) {
    List<Record> out = new ArrayList<>();
    String ip = ipOf(reverse);
    if (ip.isEmpty()) {
      return out;
    }
    try {
      for (ObjectNode service : catalog.services().values()) {
        String ns = Json.namespace(service);
        String svc = Json.name(service);
        Name serviceName = Name.fromString(svc + "." + ns + ".svc", zone);
        if (ip.equals(service.path("spec").path("clusterIP").asText(""))) {
          out.add(new PTRRecord(reverse, DClass.IN, ttl, serviceName));
        } else if (service.path("spec").path("clusterIP").asText("").equals("None")) {
          for (JsonNode address : addresses(catalog.endpoints(ns, svc).orElse(null))) {
            String host = address.path("hostname").asText("");
            if (ip.equals(address.path("ip").asText("")) && !host.isEmpty()) {
              out.add(
                  new PTRRecord(
                      reverse,
                      DClass.IN,
                      ttl,
                      Name.concatenate(Name.fromString(host), serviceName)));
            }
          }
        }
      }
    } catch (TextParseException | NameTooLongException e) {
      return List.of();
    }
    return out;
  }

  /** 4.3.2.1.in-addr.arpa. → 1.2.3.4, or empty. */
  private static String ipOf(Name reverse) {
    String[] parts = reverse.toString().toLowerCase(Locale.ROOT).split("\\.");
    if (parts.length != 6) {
      return "";
    }
    String ip = parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0];
    return isIpv4(ip) ? ip : "";
  }

  private static List<String> readyAddresses(JsonNode endpoints) {
    List<String> out = new ArrayList<>();
    for (JsonNode address : addresses(endpoints)) {
      String ip = address.path("ip").asText("");
      if (isIpv4(ip) && !out.contains(ip)) {
        out.add(ip);
      }
    }
    return out;
  }

  private static List<JsonNode> addresses(JsonNode endpoints) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode subset : subsets(endpoints)) {
      subset.path("addresses").forEach(out::add);
    }
    return out;
  }

  private static JsonNode subsets(JsonNode endpoints) {
    return endpoints == null ? MissingNode.getInstance() : endpoints.path("subsets");
  }

  private ARecord a(Name name, String ip) throws UnknownHostException {
    return new ARecord(name, DClass.IN, ttl, InetAddress.getByName(ip));
  }

  static boolean isIpv4(String ip) {
    if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    for (String part : ip.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static List<String> labels(Name relative) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < relative.labels(); i++) {
      String label = relative.getLabelString(i);
      if (!label.isEmpty()) {
        out.add(label.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
