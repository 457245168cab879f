package io.akkube.core.selection;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A field selector ({@code fieldSelector=spec.nodeName=n1,status.phase!=Failed}) as
 * k8s.io/apimachinery/pkg/fields parses it, restricted to the fields each kind's registry makes
 * selectable (pkg/registry/core/&lt;kind&gt;/strategy.go) and accepts (the field label conversion
 * functions of pkg/apis/core/v1/conversion.go).
 */
public final class FieldSelector {

  /** One ANDed term: {@code field=value} or {@code field!=value}. */
  public record Requirement(String field, boolean equal, String value) {

    /** As Kubernetes prints it, the value escaped again. */
    @Override
    public String toString() {
      return field + (equal ? "=" : "!=") + escape(value);
    }
  }

  private static final FieldSelector EVERYTHING = new FieldSelector(null, List.of());

  private final SelectableFields fields;
  private final List<Requirement> requirements;

  private FieldSelector(SelectableFields fields, List<Requirement> requirements) {
    this.fields = fields;
    this.requirements = List.copyOf(requirements);
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a selector for objects of {@code type}. Null or blank selects everything.
   *
   * @throws io.akkube.core.api.ApiException 400 BadRequest for bad syntax or a field the kind does
   *     not support, worded as Kubernetes ({@code field label not supported: spec.foo})
   */
  public static FieldSelector parse(ResourceType type, String selector) {
    if (selector == null || selector.isEmpty()) {
      return EVERYTHING;
    }
    // fields.ParseSelector sorts the raw terms, checks their syntax, then converts each field.
    List<String> terms = splitTerms(selector);
    Collections.sort(terms);
    List<Requirement> parsed = new ArrayList<>();
    for (String term : terms) {
      if (term.isEmpty()) {
        continue;
      }
      parsed.add(parseTerm(selector, term));
    }
    SelectableFields fields = SelectableFields.of(type);
    List<Requirement> converted = new ArrayList<>();
    for (Requirement r : parsed) {
      converted.add(new Requirement(fields.convert(r.field()), r.equal(), r.value()));
    }
    return new FieldSelector(fields, converted);
  }

  /** True when every requirement holds for {@code object}; an absent field reads as "". */
  public boolean matches(JsonNode object) {
    for (Requirement r : requirements) {
      if (fields.value(object, r.field()).equals(r.value()) != r.equal()) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /** The value {@code field} must equal, when the selector requires {@code field=value}. */
  public Optional<String> requiredValue(String field) {
    return requirements.stream()
        .filter(r -> r.equal() && r.field().equals(field))
        .map(Requirement::value)
        .findFirst();
  }

  @Override
  public String toString() {
    return String.join(",", requirements.stream().map(Requirement::toString).toList());
  }

  // ---- syntax, after k8s.io/apimachinery/pkg/fields/selector.go ----

  /** Splits on commas that are not escaped by a backslash. */
  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  /** The first operator wins, scanning left to right; fields are not trimmed, as in Kubernetes. */
  private static Requirement parseTerm(String selector, String term) {
    for (int i = 0; i < term.length(); i++) {
      for (String op : List.of("!=", "==", "=")) {
        if (term.startsWith(op, i)) {
          String value = unescape(term.substring(i + op.length()));
          return new Requirement(term.substring(0, i), !op.equals("!="), value);
        }
      }
    }
    throw ApiStatus.badRequest(
            "invalid selector: '" + selector + "'; can't understand '" + term + "'")
        .exception();
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean escaped = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (escaped) {
        if (c != '\\' && c != ',' && c != '=') {
          throw ApiStatus.badRequest("invalid field selector: invalid escape sequence: \\" + c)
              .exception();
        }
        out.append(c);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',' || c == '=') {
        // Go prints the rune with %v, that is as its code point.
        throw ApiStatus.badRequest(
                "invalid field selector: unescaped character in value: " + (int) c)
            .exception();
      } else {
        out.append(c);
      }
    }
    if (escaped) {
      throw ApiStatus.badRequest("invalid field selector: invalid escape sequence: \\").exception();
    }
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  // ---- which fields each kind makes selectable, and how they read ----

  /**
   * The selectable fields of one kind: the names its conversion function accepts (with aliases),
   * and how to read each from an object.
   */
  private record SelectableFields(
      Map<String, Function<JsonNode, String>> readers,
      Map<String, String> aliases,
      Set<String> acceptedWithoutValue,
      boolean defaultConversion) {

    String convert(String field) {
      if (aliases.containsKey(field)) {
        return aliases.get(field);
      }
      if (readers.containsKey(field) || acceptedWithoutValue.contains(field)) {
        return field;
      }
      String message =
          defaultConversion
              ? '"'
                  + field
                  + "\" is not a known field selector: only \"metadata.name\","
                  + " \"metadata.namespace\""
              : "field label not supported: " + field;
      throw ApiStatus.badRequest(message).exception();
    }

    String value(JsonNode object, String field) {
      Function<JsonNode, String> reader = readers.get(field);
      return reader == null ? "" : reader.apply(object);
    }

    static SelectableFields of(ResourceType type) {
      String kind = type.group().isEmpty() ? type.kind() : type.group() + "/" + type.kind();
      Map<String, Function<JsonNode, String>> meta =
          type.namespaced()
              ? Map.of("metadata.name", Json::name, "metadata.namespace", Json::namespace)
              : Map.of("metadata.name", Json::name);
      return switch (kind) {
        case "Pod" ->
            new SelectableFields(
                with(
                    meta,
                    Map.of(
                        "spec.nodeName", text("spec.nodeName"),
                        "spec.restartPolicy", text("spec.restartPolicy"),
                        "spec.schedulerName", text("spec.schedulerName"),
                        "spec.serviceAccountName", text("spec.serviceAccountName"),
                        "spec.hostNetwork", bool("spec.hostNetwork"),
                        "status.phase", text("status.phase"),
                        "status.podIP", FieldSelector::podIP,
                        "status.nominatedNodeName", text("status.nominatedNodeName"))),
                Map.of("spec.host", "spec.nodeName"),
                // Accepted by the conversion function but absent from the pod's field set.
                Set.of("status.podIPs"),
                false);
        case "Node" ->
            new SelectableFields(
                Map.of(
                    "metadata.name", Json::name, "spec.unschedulable", bool("spec.unschedulable")),
                Map.of(),
                Set.of(),
                false);
        case "Namespace" ->
            new SelectableFields(
                Map.of("metadata.name", Json::name, "status.phase", text("status.phase")),
                Map.of(),
                Set.of(),
                false);
        case "Secret" ->
            new SelectableFields(
                with(meta, Map.of("type", text("type"))), Map.of(), Set.of(), false);
        case "Service" ->
            new SelectableFields(
                with(
                    meta,
                    Map.of(
                        "spec.clusterIP", text("spec.clusterIP"), "spec.type", text("spec.type"))),
                Map.of(),
                Set.of(),
                false);
        case "Event" -> new SelectableFields(eventFields(meta), Map.of(), Set.of(), false);
        case "ReplicationController", "apps/ReplicaSet" ->
            new SelectableFields(
                with(meta, Map.of("status.replicas", number("status.replicas"))),
                Map.of(),
                Set.of(),
                false);
        default ->
            new SelectableFields(
                Map.of("metadata.name", Json::name, "metadata.namespace", Json::namespace),
                Map.of(),
                Set.of(),
                true);
      };
    }

    private static Map<String, Function<JsonNode, String>> eventFields(
        Map<String, Function<JsonNode, String>> meta) {
      Map<String, Function<JsonNode, String>> m = new java.util.HashMap<>(meta);
      for (String f :
          List.of(
              "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
        m.put("involvedObject." + f, text("involvedObject." + f));
      }
      m.put("reason", text("reason"));
      m.put("reportingComponent", text("reportingComponent"));
      m.put("type", text("type"));
      m.put(
          "source",
          event -> {
            String component = Json.at(event, "source.component").asText("");
            return component.isEmpty() ? Json.text(event, "reportingComponent") : component;
          });
      return Map.copyOf(m);
    }

    private static Map<String, Function<JsonNode, String>> with(
        Map<String, Function<JsonNode, String>> a, Map<String, Function<JsonNode, String>> b) {
      Map<String, Function<JsonNode, String>> m = new java.util.HashMap<>(a);
      m.putAll(b);
      return Map.copyOf(m);
    }
  }

  private static Function<JsonNode, String> text(String path) {
    return object -> {
      JsonNode v = Json.at(object, path);
      return v.isValueNode() ? v.asText() : "";
    };
  }

  /** A Go bool prints "false" when absent. */
  private static Function<JsonNode, String> bool(String path) {
    return object -> String.valueOf(Json.at(object, path).asBoolean(false));
  }

  /** A Go int prints "0" when absent. */
  private static Function<JsonNode, String> number(String path) {
    return object -> String.valueOf(Json.at(object, path).asLong(0));
  }

  /** The registry reads the first of {@code status.podIPs}; v1 mirrors it in {@code podIP}. */
  private static String podIP(JsonNode pod) {
    JsonNode first = Json.at(pod, "status.podIPs").path(0).path("ip");
    return first.isTextual() ? first.asText() : Json.at(pod, "status.podIP").asText("");
  }
}
