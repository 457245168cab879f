package io.akkube.http.openapi;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.http.discovery.Subresource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The REST paths and operations of one group-version, derived from {@link ResourceTypes}, in a form
 * both OpenAPI renderings share. Operation ids, actions and parameters follow the kube-apiserver's
 * published spec; PATCH, POST and PUT carry {@code fieldValidation}, which kubectl looks for before
 * it asks the server to validate fields.
 */
final class ApiPaths {

  record Gvk(String group, String version, String kind) {}

  record Param(String name, String in, String type, boolean required, String description) {}

  /** {@code definition} is a definition name, or null for "string" (log, exec) or any object. */
  record Payload(String definition, List<String> mediaTypes) {}

  record Operation(
      String method,
      String action,
      String operationId,
      String description,
      String tag,
      Gvk gvk,
      List<Param> params,
      Payload body,
      Map<String, Payload> responses) {}

  record PathItem(String path, List<Param> params, List<Operation> operations) {}

  static final List<String> JSON_YAML =
      List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");
  static final List<String> WATCHABLE =
      List.of(
          "application/json",
          "application/yaml",
          "application/vnd.kubernetes.protobuf",
          "application/json;stream=watch",
          "application/vnd.kubernetes.protobuf;stream=watch");
  static final List<String> PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml");
  static final List<String> TEXT = List.of("text/plain", "application/json", "application/yaml");
  static final List<String> ANY = List.of("*/*");

  private static final Param PRETTY =
      query("pretty", "string", "If 'true', then the output is pretty printed.");
  private static final Param DRY_RUN =
      query(
          "dryRun",
          "string",
          "When present, indicates that modifications should not be persisted. Valid values: All.");
  private static final Param FIELD_MANAGER =
      query(
          "fieldManager",
          "string",
          "fieldManager is a name associated with the actor or entity that is making these"
              + " changes; recorded in managedFields.");
  private static final Param FIELD_VALIDATION =
      query(
          "fieldValidation",
          "string",
          "How the server treats unknown or duplicate fields in the request body: Ignore drops"
              + " them silently, Warn drops them and returns a warning per field, Strict fails the"
              + " request with a BadRequest naming every such field.");
  private static final List<Param> LIST_PARAMS =
      List.of(
          query("allowWatchBookmarks", "boolean", "Requests watch events of type BOOKMARK."),
          query("continue", "string", "The continue token of the previous page of a list."),
          query("fieldSelector", "string", "Restricts the list by the objects' fields."),
          query("labelSelector", "string", "Restricts the list by the objects' labels."),
          query("limit", "integer", "The maximum number of objects to return in one page."),
          query("resourceVersion", "string", "Which version of the list may be served."),
          query("resourceVersionMatch", "string", "How resourceVersion is applied to a list."),
          query("sendInitialEvents", "boolean", "Whether a watch starts with the current state."),
          query("timeoutSeconds", "integer", "Ends the call after this many seconds."),
          query("watch", "boolean", "Watch for changes and stream them as watch events."));
  private static final List<Param> DELETE_PARAMS =
      List.of(
          DRY_RUN,
          query("gracePeriodSeconds", "integer", "Seconds before the object is deleted."),
          query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
          query(
              "propagationPolicy",
              "string",
              "Whether and how garbage collection is performed: Orphan, Background, Foreground."));
  private static final List<Param> LOG_PARAMS =
      List.of(
          query("container", "string", "The container for which to stream logs."),
          query("follow", "boolean", "Follow the log stream of the pod."),
          query("insecureSkipTLSVerifyBackend", "boolean", "Skip verifying the kubelet's cert."),
          query("limitBytes", "integer", "Bytes to read from the server before terminating."),
          query("previous", "boolean", "Return the logs of the previous container instance."),
          query("sinceSeconds", "integer", "Only logs newer than this many seconds."),
          query("tailLines", "integer", "Lines from the end of the log to show."),
          query("timestamps", "boolean", "Prefix every line with an RFC3339 timestamp."));
  private static final List<Param> EXEC_PARAMS =
      List.of(
          query("command", "string", "The command to execute."),
          query("container", "string", "The container in which to execute the command."),
          query("stderr", "boolean", "Redirect the standard error stream."),
          query("stdin", "boolean", "Redirect the standard input stream."),
          query("stdout", "boolean", "Redirect the standard output stream."),
          query("tty", "boolean", "Allocate a terminal."));

  private ApiPaths() {}

  /**
   * The paths of {@code group/version}. {@code definitionOf} answers the definition name of a
   * (group, version, kind) — null when no schema is known.
   */
  static List<PathItem> of(String group, String version, Function<Gvk, String> definitionOf) {
    List<PathItem> paths = new ArrayList<>();
    for (ResourceType t : ResourceTypes.inGroupVersion(group, version)) {
      paths.addAll(of(t, definitionOf));
    }
    paths.sort((a, b) -> a.path().compareTo(b.path()));
    return paths;
  }

  private static List<PathItem> of(ResourceType t, Function<Gvk, String> definitionOf) {
    String prefix = t.group().isEmpty() ? "/api/" + t.version() : "/apis/" + t.apiVersion();
    String ns = t.namespaced() ? "/namespaces/{namespace}" : "";
    String scope = t.namespaced() ? "Namespaced" : "";
    String idSuffix = groupVersionId(t) + scope + t.kind();
    String tag = (t.group().isEmpty() ? "core" : t.group().split("\\.")[0]) + "_" + t.version();
    Gvk gvk = new Gvk(t.group(), t.version(), t.kind());
    Payload kind = new Payload(definitionOf.apply(gvk), JSON_YAML);
    Payload list =
        new Payload(definitionOf.apply(new Gvk(t.group(), t.version(), t.listKind())), WATCHABLE);
    Payload status = new Payload(definitionOf.apply(new Gvk("", "v1", "Status")), JSON_YAML);
    Payload patch = new Payload(DefinitionNames.META + "Patch", PATCH_TYPES);
    Payload deleteOptions =
        new Payload(definitionOf.apply(new Gvk("", "v1", "DeleteOptions")), ANY);
    List<Param> nsParams = t.namespaced() ? List.of(path("namespace"), PRETTY) : List.of(PRETTY);
    List<Param> nameParams = new ArrayList<>();
    nameParams.add(path("name"));
    nameParams.addAll(nsParams);
    String what = t.kind();

    List<PathItem> out = new ArrayList<>();
    String collection = prefix + ns + "/" + t.plural();
    out.add(
        new PathItem(
            collection,
            nsParams,
            List.of(
                op(
                    "get",
                    "list",
                    "list" + idSuffix,
                    "list or watch objects of kind " + what,
                    tag,
                    gvk,
                    LIST_PARAMS,
                    null,
                    Map.of("200", list)),
                op(
                    "post",
                    "post",
                    "create" + idSuffix,
                    "create a " + what,
                    tag,
                    gvk,
                    writeParams(),
                    kind,
                    created(kind)),
                op(
                    "delete",
                    "deletecollection",
                    "delete" + groupVersionId(t) + "Collection" + scope + t.kind(),
                    "delete collection of " + what,
                    tag,
                    gvk,
                    concat(DELETE_PARAMS, LIST_PARAMS),
                    deleteOptions,
                    Map.of("200", status)))));
    String item = collection + "/{name}";
    out.add(
        new PathItem(
            item,
            nameParams,
            List.of(
                op(
                    "get",
                    "get",
                    "read" + idSuffix,
                    "read the specified " + what,
                    tag,
                    gvk,
                    List.of(),
                    null,
                    Map.of("200", kind)),
                op(
                    "put",
                    "put",
                    "replace" + idSuffix,
                    "replace the specified " + what,
                    tag,
                    gvk,
                    writeParams(),
                    kind,
                    Map.of("200", kind, "201", kind)),
                op(
                    "patch",
                    "patch",
                    "patch" + idSuffix,
                    "partially update the specified " + what,
                    tag,
                    gvk,
                    patchParams(),
                    patch,
                    Map.of("200", kind, "201", kind)),
                op(
                    "delete",
                    "delete",
                    "delete" + idSuffix,
                    "delete a " + what,
                    tag,
                    gvk,
                    DELETE_PARAMS,
                    deleteOptions,
                    Map.of("200", kind, "202", kind)))));
    if (t.namespaced()) {
      out.add(
          new PathItem(
              prefix + "/" + t.plural(),
              List.of(PRETTY),
              List.of(
                  op(
                      "get",
                      "list",
                      "list" + groupVersionId(t) + t.kind() + "ForAllNamespaces",
                      "list or watch objects of kind " + what,
                      tag,
                      gvk,
                      LIST_PARAMS,
                      null,
                      Map.of("200", list)))));
    }
    for (Subresource s : Subresource.of(t)) {
      out.add(subresource(t, s, item, nameParams, idSuffix, tag, definitionOf, patch));
    }
    return out;
  }

  private static PathItem subresource(
      ResourceType t,
      Subresource s,
      String item,
      List<Param> nameParams,
      String idSuffix,
      String tag,
      Function<Gvk, String> definitionOf,
      Payload patch) {
    Gvk gvk = new Gvk(s.group(), s.version(), s.kind());
    String id = idSuffix + DefinitionNames.capitalize(s.name());
    Payload body = new Payload(definitionOf.apply(gvk), JSON_YAML);
    String of = s.name() + " of the specified " + t.kind();
    List<Operation> ops = new ArrayList<>();
    switch (s.name()) {
      case "log" ->
          ops.add(
              op(
                  "get",
                  "get",
                  "read" + id,
                  "read " + of,
                  tag,
                  gvk,
                  LOG_PARAMS,
                  null,
                  Map.of("200", new Payload(null, TEXT))));
      case "exec", "attach", "portforward" -> {
        Payload stream = new Payload(null, ANY);
        ops.add(
            op(
                "get",
                "connect",
                "connectGet" + id,
                "connect GET requests to " + of,
                tag,
                gvk,
                EXEC_PARAMS,
                null,
                Map.of("200", stream)));
        ops.add(
            op(
                "post",
                "connect",
                "connectPost" + id,
                "connect POST requests to " + of,
                tag,
                gvk,
                EXEC_PARAMS,
                null,
                Map.of("200", stream)));
      }
      default -> {
        for (String verb : s.verbs()) {
          switch (verb) {
            case "get" ->
                ops.add(
                    op(
                        "get",
                        "get",
                        "read" + id,
                        "read " + of,
                        tag,
                        gvk,
                        List.of(),
                        null,
                        Map.of("200", body)));
            case "update" ->
                ops.add(
                    op(
                        "put",
                        "put",
                        "replace" + id,
                        "replace " + of,
                        tag,
                        gvk,
                        writeParams(),
                        body,
                        Map.of("200", body, "201", body)));
            case "patch" ->
                ops.add(
                    op(
                        "patch",
                        "patch",
                        "patch" + id,
                        "partially update " + of,
                        tag,
                        gvk,
                        patchParams(),
                        patch,
                        Map.of("200", body, "201", body)));
            case "create" ->
                ops.add(
                    op(
                        "post",
                        "post",
                        "create" + id,
                        "create " + of,
                        tag,
                        gvk,
                        writeParams(),
                        body,
                        created(body)));
            default -> {
              // no other verb has an operation of its own
            }
          }
        }
      }
    }
    return new PathItem(item + "/" + s.name(), nameParams, ops);
  }

  private static Operation op(
      String method,
      String action,
      String operationId,
      String description,
      String tag,
      Gvk gvk,
      List<Param> params,
      Payload body,
      Map<String, Payload> responses) {
    return new Operation(
        method, action, operationId, description, tag, gvk, params, body, responses);
  }

  private static Map<String, Payload> created(Payload kind) {
    Map<String, Payload> m = new LinkedHashMap<>();
    m.put("200", kind);
    m.put("201", kind);
    m.put("202", kind);
    return m;
  }

  private static List<Param> writeParams() {
    return List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION);
  }

  private static List<Param> patchParams() {
    return List.of(
        DRY_RUN,
        FIELD_MANAGER,
        FIELD_VALIDATION,
        query(
            "force",
            "boolean",
            "Force is going to \"force\" Apply requests: re-acquire conflicting fields owned by"
                + " other people. Must be unset for non-apply patch requests."));
  }

  /** {@code CoreV1}, {@code AppsV1}, {@code RbacAuthorizationV1}: as in operation ids. */
  private static String groupVersionId(ResourceType t) {
    StringBuilder sb = new StringBuilder();
    String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "");
    for (String part : group.split("[.\\-]")) {
      sb.append(DefinitionNames.capitalize(part));
    }
    return sb.append(DefinitionNames.capitalize(t.version())).toString();
  }

  private static Param query(String name, String type, String description) {
    return new Param(name, "query", type, false, description);
  }

  private static Param path(String name) {
    return new Param(
        name,
        "path",
        "string",
        true,
        name.equals("namespace")
            ? "object name and auth scope, such as for teams and projects"
            : "name of the object");
  }

  private static List<Param> concat(List<Param> a, List<Param> b) {
    List<Param> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
