package io.akkube.cluster.watch;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.selection.FieldSelector;
import io.akkube.core.selection.LabelSelector;

/** Which objects a list or watch wants: a namespace (null for all) and label/field selectors. */
public record WatchFilter(String namespace, LabelSelector labels, FieldSelector fields) {

  public boolean matches(JsonNode object) {
    if (object == null) {
      return false;
    }
    if (namespace != null && !namespace.equals(Json.namespace(object))) {
      return false;
    }
    return labels.matches(Json.labels(object)) && fields.matches(object);
  }
}
