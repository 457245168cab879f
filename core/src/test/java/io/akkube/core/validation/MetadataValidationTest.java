package io.akkube.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataValidationTest {

  private static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(FieldError::message).toList();
  }

  @Test
  void aBadPodNameIsReportedWithKubernetesWording() {
    var errors =
        MetadataValidation.validateObjectMeta(
            obj("{'metadata':{'name':'Bad_Name','namespace':'default'}}"), ResourceTypes.PODS);
    assertThat(messages(errors))
        .containsExactly(
            "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must"
                + " consist of lower case alphanumeric characters, '-' or '.', and must start and"
                + " end with an alphanumeric character (e.g. 'example.com', regex used for"
                + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }

  @Test
  void nameAndNamespaceAreRequiredForNamespacedKinds() {
    var errors =
        MetadataValidation.validateObjectMeta(obj("{'metadata':{}}"), ResourceTypes.CONFIG_MAPS);
    assertThat(messages(errors))
        .containsExactly(
            "metadata.name: Required value: name or generateName is required",
            "metadata.namespace: Required value");
  }

  @Test
  void clusterScopedKindsRejectANamespace() {
    var errors =
        MetadataValidation.validateObjectMeta(
            obj("{'metadata':{'name':'n1','namespace':'default'}}"), ResourceTypes.NODES);
    assertThat(messages(errors))
        .containsExactly("metadata.namespace: Forbidden: not allowed on this type");
  }

  @Test
  void namespaceNamesMustBeLabelsWhileEventNamesOnlyPathSegments() {
    assertThat(
            MetadataValidation.validateObjectMeta(
                obj("{'metadata':{'name':'a.b'}}"), ResourceTypes.NAMESPACES))
        .hasSize(1);
    assertThat(
            MetadataValidation.validateObjectMeta(
                obj("{'metadata':{'name':'web.17a3:B','namespace':'default'}}"),
                ResourceTypes.EVENTS))
        .isEmpty();
  }

  @Test
  void labelsAnnotationsAndFinalizersAreChecked() {
    var errors =
        MetadataValidation.validateObjectMeta(
            obj(
                "{'metadata':{'name':'x','namespace':'ns','labels':{'app':'-bad','ok/key':'v'},"
                    + "'annotations':{'Example.COM/Key':'v'},'finalizers':['custom','example.com/f']}}"),
            ResourceTypes.CONFIG_MAPS);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactly("metadata.labels", "metadata.finalizers[0]");
    assertThat(errors.get(1).message())
        .isEqualTo(
            "metadata.finalizers[0]: Invalid value: \"custom\": name is neither a standard"
                + " finalizer name nor is it fully qualified");
  }

  @Test
  void annotationsAreLimitedTo256KiBInTotal() {
    ObjectNode o = obj("{'metadata':{'name':'x','namespace':'ns'}}");
    o.with("metadata").with("annotations").put("big", "x".repeat(256 * 1024));
    assertThat(messages(MetadataValidation.validateObjectMeta(o, ResourceTypes.SECRETS)))
        .containsExactly("metadata.annotations: Too long: must have at most 262144 bytes");
  }

  @Test
  void ownerReferencesNeedIdentityAndAtMostOneController() {
    var errors =
        MetadataValidation.validateObjectMeta(
            obj(
                "{'metadata':{'name':'x','namespace':'ns','ownerReferences':["
                    + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'a','uid':'1','controller':true},"
                    + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'b','uid':'2','controller':true},"
                    + "{'apiVersion':'','kind':'','name':'','uid':''}]}}"),
            ResourceTypes.PODS);
    assertThat(messages(errors))
        .anyMatch(
            m ->
                m.endsWith(
                    "Only one reference can have Controller set to true. Found \"true\" in"
                        + " references for ReplicaSet/a and ReplicaSet/b"))
        .contains(
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
            "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty");
  }

  @Test
  void identityFieldsAreImmutableOnUpdate() {
    ObjectNode old =
        obj(
            "{'metadata':{'name':'a','namespace':'ns','uid':'u1','creationTimestamp':'2024-01-01T00:00:00Z'}}");
    ObjectNode changed =
        obj(
            "{'metadata':{'name':'b','namespace':'ns','uid':'u2','creationTimestamp':'2025-01-01T00:00:00Z'}}");
    assertThat(messages(MetadataValidation.validateObjectMetaUpdate(changed, old)))
        .containsExactly(
            "metadata.name: Invalid value: \"b\": field is immutable",
            "metadata.uid: Invalid value: \"u2\": field is immutable",
            "metadata.creationTimestamp: Invalid value: \"2025-01-01T00:00:00Z\": field is immutable");
    ObjectNode omitted = obj("{'metadata':{'name':'a','namespace':'ns'}}");
    assertThat(MetadataValidation.validateObjectMetaUpdate(omitted, old)).isEmpty();
  }

  @Test
  void noFinalizerMayBeAddedWhileDeleting() {
    ObjectNode old =
        obj(
            "{'metadata':{'name':'a','deletionTimestamp':'2024-01-01T00:00:00Z','finalizers':['a.io/x']}}");
    ObjectNode added =
        obj(
            "{'metadata':{'name':'a','deletionTimestamp':'2024-01-01T00:00:00Z','finalizers':['a.io/x','b.io/y']}}");
    assertThat(messages(MetadataValidation.validateObjectMetaUpdate(added, old)))
        .containsExactly(
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being"
                + " deleted, found new finalizers []string{\"b.io/y\"}");
  }
}
