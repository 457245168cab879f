package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import java.util.List;

/** JSON pods for tests, written with single quotes. */
final class PodFixtures {

  private PodFixtures() {}

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  /** A minimal pod with one container and the given extra container/spec JSON. */
  static ObjectNode pod(String containerExtra, String specExtra) {
    return obj(
        "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default'},"
            + "'spec':{'containers':[{'name':'app','image':'nginx:1.25'"
            + (containerExtra.isEmpty() ? "" : "," + containerExtra)
            + "}]"
            + (specExtra.isEmpty() ? "" : "," + specExtra)
            + "}}");
  }

  /** A pod as it is stored: defaulted. */
  static ObjectNode defaulted(ObjectNode pod) {
    PodDefaults.applyDefaults(pod);
    return pod;
  }

  static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(FieldError::message).toList();
  }
}
