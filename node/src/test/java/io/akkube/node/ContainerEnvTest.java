package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerEnvTest {

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final ObjectNode pod =
      yaml(
          """
          metadata: {name: p, namespace: ns, uid: u-1, labels: {app: web}, annotations: {a: b}}
          spec: {nodeName: n1, serviceAccountName: default}
          """);

  private final ObjectNode configMap = yaml("data: {level: info, dir: /var/data}");
  private final ObjectNode secret = yaml("data: {password: c2VjcmV0}");

  private ContainerEnv.Sources sources(boolean withConfigMap) {
    return new ContainerEnv.Sources(
        name -> withConfigMap && name.equals("cfg") ? Optional.of(configMap) : Optional.empty(),
        name -> name.equals("sec") ? Optional.<JsonNode>of(secret) : Optional.empty(),
        "10.1.2.3",
        "10.1.2.4",
        "2",
        "4Gi");
  }

  @Test
  void valuesReferencesFieldsAndExpansion() throws Exception {
    ObjectNode container =
        yaml(
            """
            name: c
            resources: {limits: {memory: 64Mi}}
            envFrom: [{prefix: CFG_, configMapRef: {name: cfg}}]
            env:
            - {name: LEVEL, valueFrom: {configMapKeyRef: {name: cfg, key: level}}}
            - {name: PASS, valueFrom: {secretKeyRef: {name: sec, key: password}}}
            - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
            - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
            - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
            - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
            - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
            - {name: GREETING, value: "level $(LEVEL) on $(NODE), $$(LEVEL) $(UNSET)"}
            """);
    Map<String, String> env = ContainerEnv.resolve(pod, container, sources(true));
    assertThat(env)
        .containsEntry("CFG_level", "info")
        .containsEntry("CFG_dir", "/var/data")
        .containsEntry("LEVEL", "info")
        .containsEntry("PASS", "secret")
        .containsEntry("POD", "p")
        .containsEntry("APP", "web")
        .containsEntry("IP", "10.1.2.4")
        .containsEntry("HOST_IP", "10.1.2.3")
        .containsEntry("NODE", "n1")
        .containsEntry("MEM", "64")
        .containsEntry("CPU", "2")
        .containsEntry("GREETING", "level info on n1, $(LEVEL) $(UNSET)");
  }

  @Test
  void missingReferencesAreConfigErrorsUnlessOptional() throws Exception {
    ObjectNode missing =
        yaml("env: [{name: L, valueFrom: {configMapKeyRef: {name: cfg, key: level}}}]");
    assertThatThrownBy(() -> ContainerEnv.resolve(pod, missing, sources(false)))
        .hasMessage("configmap \"cfg\" not found");
    ObjectNode missingKey =
        yaml("env: [{name: L, valueFrom: {configMapKeyRef: {name: cfg, key: nope}}}]");
    assertThatThrownBy(() -> ContainerEnv.resolve(pod, missingKey, sources(true)))
        .hasMessage("couldn't find key nope in ConfigMap ns/cfg");
    ObjectNode optional =
        yaml("env: [{name: L, valueFrom: {configMapKeyRef: {name: cfg, key: x, optional: true}}}]");
    assertThat(ContainerEnv.resolve(pod, optional, sources(false))).doesNotContainKey("L");
  }
}
