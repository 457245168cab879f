package io.akkube.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.http.discovery.Subresource;
import io.akkube.http.openapi.ApiPaths.Gvk;
import io.akkube.http.openapi.ApiPaths.Operation;
import io.akkube.http.openapi.ApiPaths.Param;
import io.akkube.http.openapi.ApiPaths.PathItem;
import io.akkube.http.openapi.ApiPaths.Payload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The OpenAPI documents of the API akkube serves: Swagger 2.0 at {@code /openapi/v2}, and OpenAPI
 * 3.0 split by group-version under {@code /openapi/v3}. Schemas come from client-java's annotated
 * models (docs/decisions/0002-openapi-from-client-java-annotations.md); paths from {@link
 * ResourceTypes}. Built once, on first use, and immutable after.
 */
public final class OpenApi {

  private static final String VERSION = "v1.26.0-akkube";

  private OpenApi() {}

  /** The Swagger 2.0 document (JSON). */
  public static byte[] v2() {
    return Holder.DOCS.v2;
  }

  /**
   * The {@code /openapi/v3} index: {@code {"paths":{"api/v1":{"serverRelativeURL":
   * "/openapi/v3/api/v1?hash=…"}}}}; the hash changes whenever the document does.
   */
  public static byte[] v3Root() {
    return Holder.DOCS.v3Root;
  }

  /**
   * The OpenAPI 3.0 document of one group-version ("" for core), if that group-version is served.
   */
  public static Optional<byte[]> v3GroupVersion(String group, String version) {
    return Optional.ofNullable(Holder.DOCS.v3.get(groupVersionPath(group, version)));
  }

  /** The hash of {@link #v3GroupVersion}, as put in the root's URLs (for ETag/caching). */
  public static Optional<String> v3Hash(String group, String version) {
    return Optional.ofNullable(Holder.DOCS.v3Hashes.get(groupVersionPath(group, version)));
  }

  /** The Swagger 2.0 definitions by name; read-only. */
  static Map<String, ObjectNode> definitions() {
    return Holder.DOCS.definitions;
  }

  /** The definition name of a served kind, if client-java has a model for it. */
  static Optional<String> definitionOf(ResourceType type) {
    return Optional.ofNullable(
        Holder.DOCS.kinds.get(new Gvk(type.group(), type.version(), type.kind())));
  }

  /** {@code api/v1} or {@code apis/apps/v1}: the key in the v3 index. */
  static String groupVersionPath(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  private static final class Holder {
    static final Documents DOCS = Documents.build();
  }

  private record Documents(
      Map<String, ObjectNode> definitions,
      Map<Gvk, String> kinds,
      byte[] v2,
      byte[] v3Root,
      Map<String, byte[]> v3,
      Map<String, String> v3Hashes) {

    static Documents build() {
      ModelSchemas schemas = new ModelSchemas();
      Map<Gvk, String> kinds = new HashMap<>();
      for (ResourceType t : ResourceTypes.all()) {
        defineKind(schemas, kinds, new Gvk(t.group(), t.version(), t.kind()));
        defineKind(schemas, kinds, new Gvk(t.group(), t.version(), t.listKind()));
        for (Subresource s : Subresource.of(t)) {
          defineKind(schemas, kinds, new Gvk(s.group(), s.version(), s.kind()));
        }
      }
      defineKind(schemas, kinds, new Gvk("", "v1", "Status"));
      defineKind(schemas, kinds, new Gvk("", "v1", "DeleteOptions"));
      schemas
          .definitions()
          .put(
              DefinitionNames.META + "Patch",
              Json.MAPPER
                  .createObjectNode()
                  .put(
                      "description",
                      "Patch is provided to give a concrete name and type to the Kubernetes PATCH"
                          + " request body.")
                  .put("type", "object"));
      Map<String, ObjectNode> definitions =
          Collections.unmodifiableMap(new TreeMap<>(schemas.definitions()));

      Map<String, List<PathItem>> pathsByGroupVersion = new LinkedHashMap<>();
      for (ResourceType t : ResourceTypes.all()) {
        pathsByGroupVersion.computeIfAbsent(
            groupVersionPath(t.group(), t.version()),
            k -> ApiPaths.of(t.group(), t.version(), kinds::get));
      }

      ObjectNode v2 = Json.MAPPER.createObjectNode();
      v2.put("swagger", "2.0");
      v2.putObject("info").put("title", "Kubernetes").put("version", VERSION);
      ObjectNode v2Paths = v2.putObject("paths");
      pathsByGroupVersion
          .values()
          .forEach(items -> items.forEach(p -> v2Paths.set(p.path(), OpenApi.v2(p))));
      ObjectNode v2Defs = v2.putObject("definitions");
      definitions.forEach(v2Defs::set);
      v2.putObject("securityDefinitions")
          .putObject("BearerToken")
          .put("description", "Bearer Token authentication")
          .put("in", "header")
          .put("name", "authorization")
          .put("type", "apiKey");
      v2.putArray("security").addObject().putArray("BearerToken");

      Map<String, byte[]> v3 = new LinkedHashMap<>();
      Map<String, String> hashes = new LinkedHashMap<>();
      ObjectNode root = Json.MAPPER.createObjectNode();
      ObjectNode rootPaths = root.putObject("paths");
      for (var e : pathsByGroupVersion.entrySet()) {
        byte[] doc = Json.bytes(OpenApi.v3(e.getValue(), definitions));
        String hash = sha512(doc);
        v3.put(e.getKey(), doc);
        hashes.put(e.getKey(), hash);
        rootPaths
            .putObject(e.getKey())
            .put("serverRelativeURL", "/openapi/v3/" + e.getKey() + "?hash=" + hash);
      }
      return new Documents(
          definitions,
          Map.copyOf(kinds),
          Json.bytes(v2),
          Json.bytes(root),
          Collections.unmodifiableMap(v3),
          Collections.unmodifiableMap(hashes));
    }

    private static void defineKind(ModelSchemas schemas, Map<Gvk, String> kinds, Gvk gvk) {
      if (kinds.containsKey(gvk)) {
        return;
      }
      DefinitionNames.modelClass(gvk.group(), gvk.version(), gvk.kind())
          .ifPresent(
              c -> {
                String name = schemas.define(c);
                schemas.markKind(name, gvk.group(), gvk.version(), gvk.kind());
                kinds.put(gvk, name);
              });
    }
  }

  // ---- Swagger 2.0 rendering

  private static ObjectNode v2(PathItem item) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    for (Operation op : item.operations()) {
      ObjectNode o = p.putObject(op.method());
      o.put("description", op.description());
      ArrayNode consumes = o.putArray("consumes");
      (op.body() == null ? ApiPaths.ANY : op.body().mediaTypes()).forEach(consumes::add);
      ArrayNode produces = o.putArray("produces");
      firstResponse(op).mediaTypes().forEach(produces::add);
      o.putArray("schemes").add("https");
      o.putArray("tags").add(op.tag());
      o.put("operationId", op.operationId());
      ArrayNode params = o.putArray("parameters");
      if (op.body() != null) {
        ObjectNode body = params.addObject();
        body.put("name", "body")
            .put("in", "body")
            .put("required", !op.action().startsWith("delete"));
        body.set("schema", v2Schema(op.body()));
      }
      op.params().forEach(param -> params.add(v2(param)));
      if (params.isEmpty()) {
        o.remove("parameters");
      }
      ObjectNode responses = o.putObject("responses");
      new TreeMap<>(op.responses())
          .forEach(
              (code, payload) -> {
                ObjectNode r = responses.putObject(code);
                r.put("description", describe(code));
                r.set("schema", v2Schema(payload));
              });
      responses.putObject("401").put("description", "Unauthorized");
      o.put("x-kubernetes-action", op.action());
      o.set("x-kubernetes-group-version-kind", gvk(op.gvk()));
    }
    if (!item.params().isEmpty()) {
      ArrayNode params = p.putArray("parameters");
      item.params().forEach(param -> params.add(v2(param)));
    }
    return p;
  }

  private static ObjectNode v2(Param param) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", param.name()).put("in", param.in()).put("description", param.description());
    if (param.required()) {
      n.put("required", true);
    }
    n.put("type", param.type()).put("uniqueItems", true);
    return n;
  }

  private static ObjectNode v2Schema(Payload payload) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    if (payload.definition() != null) {
      s.put("$ref", ModelSchemas.ref(payload.definition()));
    } else if (payload.mediaTypes().contains("text/plain")) {
      s.put("type", "string");
    } else {
      s.put("type", "object");
    }
    return s;
  }

  // ---- OpenAPI 3.0 rendering

  private static ObjectNode v3(List<PathItem> items, Map<String, ObjectNode> definitions) {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", VERSION);
    ObjectNode paths = doc.putObject("paths");
    Set<String> used = new TreeSet<>();
    for (PathItem item : items) {
      paths.set(item.path(), v3(item, used));
    }
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    for (String name : reachable(used, definitions)) {
      schemas.set(name, v3Schema(name, definitions.get(name)));
    }
    components
        .putObject("securitySchemes")
        .putObject("BearerToken")
        .put("description", "Bearer Token authentication")
        .put("in", "header")
        .put("name", "authorization")
        .put("type", "apiKey");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  private static ObjectNode v3(PathItem item, Set<String> used) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    for (Operation op : item.operations()) {
      ObjectNode o = p.putObject(op.method());
      o.putArray("tags").add(op.tag());
      o.put("description", op.description());
      o.put("operationId", op.operationId());
      if (!op.params().isEmpty()) {
        ArrayNode params = o.putArray("parameters");
        op.params().forEach(param -> params.add(v3(param)));
      }
      if (op.body() != null) {
        ObjectNode body = o.putObject("requestBody");
        body.set("content", v3Content(op.body(), used));
        if (!op.action().startsWith("delete")) {
          body.put("required", true);
        }
      }
      ObjectNode responses = o.putObject("responses");
      new TreeMap<>(op.responses())
          .forEach(
              (code, payload) -> {
                ObjectNode r = responses.putObject(code);
                r.put("description", describe(code));
                r.set("content", v3Content(payload, used));
              });
      responses.putObject("401").put("description", "Unauthorized");
      o.put("x-kubernetes-action", op.action());
      // An object here (an array on schemas): kubectl's query-param verifier and explain read it.
      o.set("x-kubernetes-group-version-kind", gvk(op.gvk()));
    }
    if (!item.params().isEmpty()) {
      ArrayNode params = p.putArray("parameters");
      item.params().forEach(param -> params.add(v3(param)));
    }
    return p;
  }

  private static ObjectNode v3(Param param) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", param.name()).put("in", param.in()).put("description", param.description());
    if (param.required()) {
      n.put("required", true);
    }
    n.putObject("schema").put("type", param.type()).put("uniqueItems", true);
    return n;
  }

  private static ObjectNode v3Content(Payload payload, Set<String> used) {
    ObjectNode content = Json.MAPPER.createObjectNode();
    for (String mediaType : payload.mediaTypes()) {
      ObjectNode schema = content.putObject(mediaType).putObject("schema");
      if (payload.definition() != null) {
        schema.put("$ref", "#/components/schemas/" + payload.definition());
        used.add(payload.definition());
      } else {
        schema.put("type", payload.mediaTypes().contains("text/plain") ? "string" : "object");
      }
    }
    return content;
  }

  /** A Swagger 2.0 definition in OpenAPI 3.0 form, as kube-openapi converts it. */
  private static ObjectNode v3Schema(String name, ObjectNode v2) {
    ObjectNode s = (ObjectNode) v3Node(v2);
    if (!s.has("x-kubernetes-group-version-kind")) {
      // Fields referring to this type already carry its description (client-java has none of
      // their own); kubectl explain prints a field's and its type's description one after the
      // other, so keeping both would print the same paragraph twice.
      s.remove("description");
    }
    if (name.equals(DefinitionNames.INT_OR_STRING) || name.equals(DefinitionNames.QUANTITY)) {
      s.remove("type");
      ArrayNode oneOf = s.putArray("oneOf");
      if (name.equals(DefinitionNames.INT_OR_STRING)) {
        oneOf.addObject().put("type", "integer");
        oneOf.addObject().put("type", "string");
      } else {
        oneOf.addObject().put("type", "string");
        oneOf.addObject().put("type", "number");
      }
    }
    return s;
  }

  /** Rewrites refs; a ref with siblings (a described field) becomes {@code allOf: [ref]}. */
  private static JsonNode v3Node(JsonNode n) {
    if (n.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      n.forEach(e -> a.add(v3Node(e)));
      return a;
    }
    if (!n.isObject()) {
      return n;
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    JsonNode ref = n.get("$ref");
    n.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("$ref")) {
                out.set(e.getKey(), v3Node(e.getValue()));
              }
            });
    if (ref == null) {
      return out;
    }
    String target = "#/components/schemas/" + ref.asText().substring("#/definitions/".length());
    if (out.isEmpty()) {
      return out.put("$ref", target);
    }
    ObjectNode wrapped = Json.MAPPER.createObjectNode();
    wrapped.putArray("allOf").addObject().put("$ref", target);
    wrapped.setAll(out);
    return wrapped;
  }

  private static Set<String> reachable(Set<String> roots, Map<String, ObjectNode> definitions) {
    Set<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      ObjectNode def = definitions.get(name);
      if (def == null || !seen.add(name)) {
        continue;
      }
      def.findValues("$ref")
          .forEach(r -> todo.push(r.asText().substring("#/definitions/".length())));
    }
    return seen;
  }

  private static Payload firstResponse(Operation op) {
    return new TreeMap<>(op.responses()).firstEntry().getValue();
  }

  private static String describe(String code) {
    return switch (code) {
      case "201" -> "Created";
      case "202" -> "Accepted";
      default -> "OK";
    };
  }

  private static ObjectNode gvk(Gvk gvk) {
    return Json.MAPPER
        .createObjectNode()
        .put("group", gvk.group())
        .put("version", gvk.version())
        .put("kind", gvk.kind());
  }

  private static String sha512(byte[] doc) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-512").digest(doc));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
