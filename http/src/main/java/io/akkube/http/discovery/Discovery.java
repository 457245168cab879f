package io.akkube.http.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.http.metrics.MetricsApi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The discovery documents, all derived from {@link ResourceTypes} and the computed resources of
 * metrics.k8s.io ({@link MetricsApi#TYPES}, read-only): the legacy {@code /api}, {@code /api/v1},
 * {@code /apis}, {@code /apis/{group}}, {@code /apis/{group}/{version}}, and the aggregated
 * (apidiscovery.k8s.io/v2) lists kubectl 1.32 asks for first. Shapes follow k8s.io/apimachinery
 * meta/v1 types.go and k8s.io/api apidiscovery/v2 types.go.
 */
public final class Discovery {

  /** What kubectl's Accept header asks for, and what the aggregated answer must be labelled. */
  public static final String AGGREGATED_CONTENT_TYPE =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  private Discovery() {}

  /**
   * Whether an Accept header asks for aggregated discovery v2. kubectl lists it first, then
   * v2beta1, then plain JSON; akkube serves only v2.
   */
  public static boolean wantsAggregated(String accept) {
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      Set<String> params = new HashSet<>();
      for (String p : range.split(";")) {
        params.add(p.trim());
      }
      if (params.contains("g=apidiscovery.k8s.io")
          && params.contains("v=v2")
          && params.contains("as=APIGroupDiscoveryList")) {
        return true;
      }
    }
    return false;
  }

  /** {@code GET /api}: APIVersions. {@code serverAddress} is host:port as clients reach us. */
  public static ObjectNode apiVersions(String serverAddress) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIVersions");
    ArrayNode versions = n.putArray("versions");
    versionsOf("").forEach(versions::add);
    ObjectNode cidr = n.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return n;
  }

  /**
   * {@code GET /apis}: APIGroupList of the named groups (empty when only the core group exists).
   */
  public static ObjectNode apiGroupList() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIGroupList");
    n.put("apiVersion", "v1");
    ArrayNode groups = n.putArray("groups");
    for (String g : namedGroups()) {
      groups.add(groupBody(g));
    }
    return n;
  }

  /** {@code GET /apis/{group}}: APIGroup, empty when the group is not served. */
  public static Optional<ObjectNode> apiGroup(String group) {
    if (!namedGroups().contains(group)) {
      return Optional.empty();
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIGroup");
    n.put("apiVersion", "v1");
    n.setAll(groupBody(group));
    return Optional.of(n);
  }

  /**
   * {@code GET /api/v1} (group "") or {@code GET /apis/{group}/{version}}: APIResourceList, one
   * entry per resource and one per subresource; empty when the group-version is not served.
   */
  public static Optional<ObjectNode> apiResourceList(String group, String version) {
    List<ResourceType> types = sorted(served(group, version));
    if (types.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIResourceList");
    n.put("apiVersion", "v1");
    n.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = n.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      strings(r.putArray("verbs"), verbs(t));
      if (!t.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        strings(r.putArray("categories"), t.categories());
      }
      for (Subresource s : Subresource.of(t)) {
        ObjectNode sr = resources.addObject();
        sr.put("name", t.plural() + "/" + s.name());
        sr.put("singularName", "");
        sr.put("namespaced", t.namespaced());
        if (!s.sameGroupVersionAs(t)) {
          sr.put("group", s.group());
          sr.put("version", s.version());
        }
        sr.put("kind", s.kind());
        strings(sr.putArray("verbs"), s.verbs());
      }
    }
    return Optional.of(n);
  }

  /** Aggregated {@code GET /api}: the core group only. */
  public static ObjectNode aggregatedLegacy() {
    return aggregatedList(List.of(""));
  }

  /** Aggregated {@code GET /apis}: every named group. */
  public static ObjectNode aggregatedGroups() {
    return aggregatedList(namedGroups());
  }

  private static ObjectNode aggregatedList(List<String> groups) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIGroupDiscoveryList");
    n.put("apiVersion", "apidiscovery.k8s.io/v2");
    n.putObject("metadata");
    ArrayNode items = n.putArray("items");
    for (String g : groups) {
      ObjectNode item = items.addObject();
      ObjectNode meta = item.putObject("metadata");
      if (!g.isEmpty()) {
        meta.put("name", g);
      }
      ArrayNode versions = item.putArray("versions");
      for (String v : versionsOf(g)) {
        ObjectNode version = versions.addObject();
        version.put("version", v);
        ArrayNode resources = version.putArray("resources");
        for (ResourceType t : sorted(served(g, v))) {
          resources.add(aggregatedResource(t));
        }
        version.put("freshness", "Current");
      }
    }
    return n;
  }

  private static ObjectNode aggregatedResource(ResourceType t) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("resource", t.plural());
    r.set("responseKind", gvk(t.group(), t.version(), t.kind()));
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", t.singular());
    strings(r.putArray("verbs"), verbs(t));
    if (!t.shortNames().isEmpty()) {
      strings(r.putArray("shortNames"), t.shortNames());
    }
    if (!t.categories().isEmpty()) {
      strings(r.putArray("categories"), t.categories());
    }
    List<Subresource> subs = Subresource.of(t);
    if (!subs.isEmpty()) {
      ArrayNode sa = r.putArray("subresources");
      for (Subresource s : subs) {
        ObjectNode sr = sa.addObject();
        sr.put("subresource", s.name());
        sr.set("responseKind", gvk(s.group(), s.version(), s.kind()));
        strings(sr.putArray("verbs"), s.verbs());
      }
    }
    return r;
  }

  private static ObjectNode groupBody(String group) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", group);
    ArrayNode versions = n.putArray("versions");
    List<String> vs = versionsOf(group);
    for (String v : vs) {
      versions.add(groupVersion(group, v));
    }
    n.set("preferredVersion", groupVersion(group, vs.get(0)));
    return n;
  }

  private static ObjectNode groupVersion(String group, String version) {
    ObjectNode gv = Json.MAPPER.createObjectNode();
    gv.put("groupVersion", group + "/" + version);
    gv.put("version", version);
    return gv;
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("group", group);
    n.put("version", version);
    n.put("kind", kind);
    return n;
  }

  /** The versions served for a group, in the order {@link ResourceTypes} first names them. */
  static List<String> versionsOf(String group) {
    List<String> out = new ArrayList<>();
    for (ResourceType t : all()) {
      if (t.group().equals(group) && !out.contains(t.version())) {
        out.add(t.version());
      }
    }
    return out;
  }

  /** The stored kinds, then the computed metrics resources. */
  private static List<ResourceType> all() {
    List<ResourceType> all = new ArrayList<>(ResourceTypes.all());
    all.addAll(MetricsApi.TYPES);
    return all;
  }

  private static List<String> namedGroups() {
    List<String> out = new ArrayList<>();
    for (ResourceType t : all()) {
      if (!t.group().isEmpty() && !out.contains(t.group())) {
        out.add(t.group());
      }
    }
    return out;
  }

  private static List<ResourceType> served(String group, String version) {
    return all().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version))
        .toList();
  }

  private static List<String> verbs(ResourceType t) {
    return MetricsApi.TYPES.contains(t) ? MetricsApi.VERBS : ResourceType.ALL_VERBS;
  }

  private static List<ResourceType> sorted(List<ResourceType> types) {
    return types.stream().sorted(Comparator.comparing(ResourceType::plural)).toList();
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
