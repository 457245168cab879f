package io.akkube.http.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Swagger 2.0 definitions read from client-java's model classes (API level 1.26): the class' {@code
 * ApiModel} description, and per field its JSON name (the {@code SERIALIZED_NAME_*} constant; gson
 * is not on the classpath, so the {@code SerializedName} annotation itself is unreadable), its
 * {@code ApiModelProperty} description and required flag from the getter, and its schema from the
 * Java type. Unreadable fields (an annotation or type whose class is missing) are skipped, never
 * fatal. Not thread-safe: built once by {@link OpenApi}.
 */
final class ModelSchemas {

  private final Map<String, ObjectNode> definitions = new TreeMap<>();
  private final Map<Class<?>, String> defined = new HashMap<>();

  /** The definitions collected so far, by Kubernetes name. */
  Map<String, ObjectNode> definitions() {
    return definitions;
  }

  /** Defines {@code model} and everything it reaches; returns its definition name. */
  String define(Class<?> model) {
    String known = defined.get(model);
    if (known != null) {
      return known;
    }
    String name = DefinitionNames.of(model);
    defined.put(model, name);
    ObjectNode def = Json.MAPPER.createObjectNode();
    definitions.put(name, def);
    String description = modelDescription(model);
    if (!description.isEmpty()) {
      def.put("description", description);
    }
    ObjectNode properties = Json.MAPPER.createObjectNode();
    ArrayNode required = Json.MAPPER.createArrayNode();
    Map<String, String> jsonNames = jsonNames(model);
    for (Field f : model.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      Type type;
      try {
        type = f.getGenericType();
      } catch (TypeNotPresentException | LinkageError e) {
        continue;
      }
      String jsonName = jsonNames.getOrDefault(key(f.getName()), f.getName());
      ApiModelProperty doc = propertyDoc(model, f.getName());
      ObjectNode schema = schemaOf(type);
      String text = doc == null ? "" : doc.value();
      if (text.isEmpty() && schema.has("$ref")) {
        text = referencedDescription(schema);
      }
      if (!text.isEmpty()) {
        schema.put("description", text);
      }
      PatchStrategies.annotate(name, jsonName, schema);
      properties.set(jsonName, schema);
      if (doc != null && doc.required()) {
        required.add(jsonName);
      }
    }
    if (!required.isEmpty()) {
      def.set("required", required);
    }
    def.put("type", "object");
    if (!properties.isEmpty()) {
      def.set("properties", properties);
    }
    return name;
  }

  /** Adds the GVK extension to a kind's definition (Kubernetes lists it as an array). */
  void markKind(String definition, String group, String version, String kind) {
    ObjectNode def = definitions.get(definition);
    if (def == null) {
      return;
    }
    ArrayNode gvks = def.withArray("x-kubernetes-group-version-kind");
    for (var existing : gvks) {
      if (existing.path("kind").asText().equals(kind)
          && existing.path("group").asText().equals(group)
          && existing.path("version").asText().equals(version)) {
        return;
      }
    }
    ObjectNode gvk = gvks.addObject();
    gvk.put("group", group);
    gvk.put("version", version);
    gvk.put("kind", kind);
  }

  private ObjectNode schemaOf(Type type) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        s.put("type", "array");
        s.set("items", schemaOf(args[0]));
        return s;
      }
      if (Map.class.isAssignableFrom(raw)) {
        s.put("type", "object");
        s.set("additionalProperties", schemaOf(args[1]));
        return s;
      }
      return schemaOf(raw);
    }
    if (!(type instanceof Class<?> c)) {
      s.put("type", "object");
      return s;
    }
    if (c == String.class) {
      s.put("type", "string");
    } else if (c == Integer.class || c == int.class) {
      s.put("type", "integer").put("format", "int32");
    } else if (c == Long.class || c == long.class) {
      s.put("type", "integer").put("format", "int64");
    } else if (c == Boolean.class || c == boolean.class) {
      s.put("type", "boolean");
    } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      s.put("type", "number").put("format", "double");
    } else if (c == BigDecimal.class) {
      s.put("type", "number");
    } else if (c == OffsetDateTime.class) {
      s.put("type", "string").put("format", "date-time");
    } else if (c == byte[].class) {
      s.put("type", "string").put("format", "byte");
    } else if (c.getName().equals("io.kubernetes.client.custom.IntOrString")) {
      s.put("$ref", ref(intOrString()));
    } else if (c.getName().equals("io.kubernetes.client.custom.Quantity")) {
      s.put("$ref", ref(quantity()));
    } else if (c.getName().startsWith(DefinitionNames.MODELS)) {
      s.put("$ref", ref(define(c)));
    } else {
      // java.lang.Object (RawExtension, JSON values): any object, kept as sent.
      s.put("type", "object");
      s.put("x-kubernetes-preserve-unknown-fields", true);
    }
    return s;
  }

  private String intOrString() {
    String name = DefinitionNames.INT_OR_STRING;
    definitions.computeIfAbsent(
        name,
        n ->
            Json.MAPPER
                .createObjectNode()
                .put(
                    "description",
                    "IntOrString is a value that is either a 32-bit integer or a string; JSON and"
                        + " YAML carry whichever it holds, so a field may take a port number or a"
                        + " port name.")
                .put("type", "string")
                .put("format", "int-or-string")
                .put("x-kubernetes-int-or-string", true));
    return name;
  }

  private String quantity() {
    String name = DefinitionNames.QUANTITY;
    definitions.computeIfAbsent(
        name,
        n ->
            Json.MAPPER
                .createObjectNode()
                .put(
                    "description",
                    "Quantity is a fixed-point number with an optional suffix: a binary SI suffix"
                        + " (Ki, Mi, Gi, Ti, Pi, Ei), a decimal SI suffix (m, k, M, G, T, P, E) or"
                        + " a decimal exponent (e3), e.g. 100m, 128Mi, 1.5.")
                .put("type", "string"));
    return name;
  }

  static String ref(String definition) {
    return "#/definitions/" + definition;
  }

  private String referencedDescription(ObjectNode refSchema) {
    String target = refSchema.get("$ref").asText().substring("#/definitions/".length());
    ObjectNode def = definitions.get(target);
    return def == null ? "" : def.path("description").asText("");
  }

  private static String modelDescription(Class<?> model) {
    try {
      ApiModel m = model.getAnnotation(ApiModel.class);
      return m == null ? "" : m.description();
    } catch (RuntimeException | LinkageError e) {
      return "";
    }
  }

  /** The getter's {@code ApiModelProperty}; null when absent or unreadable. */
  private static ApiModelProperty propertyDoc(Class<?> model, String fieldName) {
    String bare = fieldName.replaceFirst("^_+", "");
    for (String prefix : new String[] {"get", "is"}) {
      try {
        Method getter = model.getMethod(prefix + DefinitionNames.capitalize(bare));
        return getter.getAnnotation(ApiModelProperty.class);
      } catch (NoSuchMethodException e) {
        // try the next spelling
      } catch (RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }

  /** JSON names by {@link #key} of the field, from the {@code SERIALIZED_NAME_*} constants. */
  private static Map<String, String> jsonNames(Class<?> model) {
    Map<String, String> names = new HashMap<>();
    for (Field f : model.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && f.getName().startsWith("SERIALIZED_NAME_")) {
        try {
          names.put(key(f.getName().substring("SERIALIZED_NAME_".length())), (String) f.get(null));
        } catch (IllegalAccessException | RuntimeException | LinkageError e) {
          // fall back to the field name
        }
      }
    }
    return names;
  }

  /** {@code HTTP_GET} and {@code httpGet} both become {@code httpget}. */
  private static String key(String name) {
    return name.replace("_", "").replace("$", "").toLowerCase();
  }
}
