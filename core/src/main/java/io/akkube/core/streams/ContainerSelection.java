package io.akkube.core.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Which container a log or exec request means, worded as the apiserver's pod strategy
 * (validateContainer / streamLocation) words its 400s.
 */
public final class ContainerSelection {

  private ContainerSelection() {}

  /** {@code requested}, or the only container; a 400 when it is ambiguous or unknown. */
  public static String resolve(ObjectNode pod, String requested) {
    String podName = Json.name(pod);
    List<String> containers = names(pod.path("spec").path("containers"));
    List<String> init = names(pod.path("spec").path("initContainers"));
    List<String> ephemeral = names(pod.path("spec").path("ephemeralContainers"));
    if (requested.isEmpty()) {
      if (containers.size() == 1) {
        return containers.get(0);
      }
      if (containers.isEmpty()) {
        throw ApiStatus.badRequest("a container name must be specified for pod " + podName)
            .exception();
      }
      StringBuilder message =
          new StringBuilder("a container name must be specified for pod ")
              .append(podName)
              .append(", choose one of: [")
              .append(String.join(" ", containers))
              .append(']');
      if (!init.isEmpty()) {
        message.append(" or one of the init containers: [").append(String.join(" ", init));
        message.append(']');
      }
      if (!ephemeral.isEmpty()) {
        message.append(" or one of the ephemeral containers: [");
        message.append(String.join(" ", ephemeral)).append(']');
      }
      throw ApiStatus.badRequest(message.toString()).exception();
    }
    if (!containers.contains(requested)
        && !init.contains(requested)
        && !ephemeral.contains(requested)) {
      throw ApiStatus.badRequest("container " + requested + " is not valid for pod " + podName)
          .exception();
    }
    return requested;
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(c -> names.add(Json.text(c, "name")));
    return names;
  }
}
