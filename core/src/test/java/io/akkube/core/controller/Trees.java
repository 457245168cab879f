package io.akkube.core.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.io.UncheckedIOException;

/** Small JSON fixtures for controller tests, written as YAML-ish JSON strings. */
final class Trees {

  private Trees() {}

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A pod with the given scheduling, phase and readiness. */
  static ObjectNode pod(
      String name, String node, String phase, String readySince, int restarts, String created) {
    ObjectNode pod =
        json(
            "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
                + name
                + "','namespace':'ns','uid':'uid-"
                + name
                + "','labels':{'app':'web'}},'spec':{},'status':{'phase':'"
                + phase
                + "'}}");
    if (created != null) {
      Json.meta(pod).put("creationTimestamp", created);
    }
    if (node != null) {
      pod.with("spec").put("nodeName", node);
    }
    ObjectNode ready = pod.with("status").withArray("conditions").addObject();
    ready.put("type", "Ready");
    ready.put("status", readySince != null ? "True" : "False");
    if (readySince != null) {
      ready.put("lastTransitionTime", readySince);
    }
    pod.with("status")
        .withArray("containerStatuses")
        .addObject()
        .put("name", "c")
        .put("restartCount", restarts);
    return pod;
  }
}
