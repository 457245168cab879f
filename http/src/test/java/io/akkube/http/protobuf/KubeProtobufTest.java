package io.akkube.http.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KubeProtobufTest {

  /** The body kubectl sends: the magic, then a runtime.Unknown around the object's bytes. */
  static byte[] body(String apiVersion, String kind, Message object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(
        Runtime.Unknown.newBuilder()
            .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
            .setRaw(object.toByteString())
            .build()
            .toByteArray());
    return out.toByteArray();
  }

  static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text.replace('\'', '"'));
  }

  /** What Go writes for an unset metav1.Time: the field, empty. */
  static final Meta.Time ZERO_TIME = Meta.Time.getDefaultInstance();

  static Quantity quantity(String s) {
    return Quantity.newBuilder().setString(s).build();
  }

  @Test
  void namespaceAsKubectlSendsItDecodesToTheJsonKubectlWouldSend() throws Exception {
    // Go writes every non-pointer field, so empty strings and an empty time arrive set.
    V1.Namespace ns =
        V1.Namespace.newBuilder()
            .setMetadata(
                ObjectMeta.newBuilder()
                    .setName("dev")
                    .setGenerateName("")
                    .setNamespace("")
                    .setResourceVersion("")
                    .setGeneration(0)
                    .setCreationTimestamp(ZERO_TIME)
                    .putLabels("team", "a"))
            .setSpec(V1.NamespaceSpec.getDefaultInstance())
            .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "Namespace", ns)))
        .isEqualTo(
            json(
                "{'kind':'Namespace','apiVersion':'v1',"
                    + "'metadata':{'name':'dev','labels':{'team':'a'}},'spec':{},'status':{}}"));
  }

  @Test
  void configMapDataKeepsEmptyValues() throws Exception {
    V1.ConfigMap cm =
        V1.ConfigMap.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("cm1").setNamespace("dev"))
            .putData("a", "1")
            .putData("b", "")
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "ConfigMap", cm)))
        .isEqualTo(
            json(
                "{'kind':'ConfigMap','apiVersion':'v1',"
                    + "'metadata':{'name':'cm1','namespace':'dev'},'data':{'a':'1','b':''}}"));
  }

  @Test
  void secretBytesBecomeBase64() throws Exception {
    V1.Secret secret =
        V1.Secret.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("s1"))
            .putData("p", ByteString.copyFrom("x", StandardCharsets.UTF_8))
            .setType("Opaque")
            .setImmutable(false)
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "Secret", secret)))
        .isEqualTo(
            json(
                "{'kind':'Secret','apiVersion':'v1','metadata':{'name':'s1'},"
                    + "'data':{'p':'eA=='},'type':'Opaque','immutable':false}"));
  }

  @Test
  void podKeepsQuantitiesIntOrStringsInlinedSourcesAndMeaningfulZeros() throws Exception {
    V1.Container container =
        V1.Container.newBuilder()
            .setName("web")
            .setImage("nginx")
            .setImagePullPolicy("")
            .setStdin(false)
            .addPorts(
                V1.ContainerPort.newBuilder()
                    .setName("http")
                    .setContainerPort(80)
                    .setHostPort(0)
                    .setProtocol("TCP"))
            .setResources(
                V1.ResourceRequirements.newBuilder()
                    .putLimits("cpu", quantity("500m"))
                    .putLimits("memory", quantity("128Mi"))
                    .putRequests("cpu", quantity("100m")))
            .setLivenessProbe(
                V1.Probe.newBuilder()
                    .setHandler(
                        V1.ProbeHandler.newBuilder()
                            .setHttpGet(
                                V1.HTTPGetAction.newBuilder()
                                    .setPath("/healthz")
                                    .setPort(
                                        IntOrString.newBuilder().setType(1).setStrVal("http"))))
                    .setPeriodSeconds(10)
                    .setTimeoutSeconds(0))
            .setReadinessProbe(
                V1.Probe.newBuilder()
                    .setHandler(
                        V1.ProbeHandler.newBuilder()
                            .setTcpSocket(
                                V1.TCPSocketAction.newBuilder()
                                    .setPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))))
            .addEnv(
                V1.EnvVar.newBuilder()
                    .setName("A")
                    .setValueFrom(
                        V1.EnvVarSource.newBuilder()
                            .setConfigMapKeyRef(
                                V1.ConfigMapKeySelector.newBuilder()
                                    .setLocalObjectReference(
                                        V1.LocalObjectReference.newBuilder().setName("cm1"))
                                    .setKey("a"))))
            .build();
    V1.Pod pod =
        V1.Pod.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("p1"))
            .setSpec(
                V1.PodSpec.newBuilder()
                    .addContainers(container)
                    .setHostNetwork(false)
                    .setTerminationGracePeriodSeconds(0)
                    .addVolumes(
                        V1.Volume.newBuilder()
                            .setName("cfg")
                            .setVolumeSource(
                                V1.VolumeSource.newBuilder()
                                    .setConfigMap(
                                        V1.ConfigMapVolumeSource.newBuilder()
                                            .setLocalObjectReference(
                                                V1.LocalObjectReference.newBuilder()
                                                    .setName("cm1"))))))
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "Pod", pod)))
        .isEqualTo(
            json(
                "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'p1'},'spec':{"
                    + "'volumes':[{'name':'cfg','configMap':{'name':'cm1'}}],"
                    + "'containers':[{'name':'web','image':'nginx',"
                    + "'ports':[{'name':'http','containerPort':80,'protocol':'TCP'}],"
                    + "'env':[{'name':'A','valueFrom':{'configMapKeyRef':{'name':'cm1','key':'a'}}}],"
                    + "'resources':{'limits':{'cpu':'500m','memory':'128Mi'},"
                    + "'requests':{'cpu':'100m'}},"
                    + "'livenessProbe':{'httpGet':{'path':'/healthz','port':'http'},"
                    + "'periodSeconds':10},"
                    + "'readinessProbe':{'tcpSocket':{'port':8080}}}],"
                    + "'terminationGracePeriodSeconds':0}}"));
  }

  @Test
  void deploymentKeepsZeroReplicasAndPercentStrategy() throws Exception {
    V1Apps.Deployment d =
        V1Apps.Deployment.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("web"))
            .setSpec(
                V1Apps.DeploymentSpec.newBuilder()
                    .setReplicas(0)
                    .setMinReadySeconds(0)
                    .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                    .setStrategy(
                        V1Apps.DeploymentStrategy.newBuilder()
                            .setType("RollingUpdate")
                            .setRollingUpdate(
                                V1Apps.RollingUpdateDeployment.newBuilder()
                                    .setMaxSurge(
                                        IntOrString.newBuilder().setType(1).setStrVal("25%"))
                                    .setMaxUnavailable(IntOrString.newBuilder().setIntVal(0)))))
            .build();

    assertThat(KubeProtobuf.decode(body("apps/v1", "Deployment", d)))
        .isEqualTo(
            json(
                "{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'web'},"
                    + "'spec':{'replicas':0,'selector':{'matchLabels':{'app':'web'}},"
                    + "'strategy':{'type':'RollingUpdate',"
                    + "'rollingUpdate':{'maxSurge':'25%','maxUnavailable':0}}}}"));
  }

  @Test
  void timesAreRfc3339InSecondsAndMicroTimesInMicroseconds() throws Exception {
    V1.Event event =
        V1.Event.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("e1"))
            .setLastTimestamp(Meta.Time.newBuilder().setSeconds(1795298400L).setNanos(5))
            .setFirstTimestamp(ZERO_TIME)
            .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1795298400L).setNanos(123456000))
            .setCount(1)
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "Event", event)))
        .isEqualTo(
            json(
                "{'kind':'Event','apiVersion':'v1','metadata':{'name':'e1'},"
                    + "'lastTimestamp':'2026-11-21T22:00:00Z',"
                    + "'eventTime':'2026-11-21T22:00:00.123456Z','count':1}"));
  }

  @Test
  void deleteOptionsSentWithTheResourceGroupVersionDecode() throws Exception {
    Meta.DeleteOptions options =
        Meta.DeleteOptions.newBuilder()
            .setGracePeriodSeconds(0)
            .setPropagationPolicy("Background")
            .setPreconditions(Meta.Preconditions.newBuilder().setUid("u-1"))
            .build();

    assertThat(KubeProtobuf.decode(body("v1", "DeleteOptions", options)))
        .isEqualTo(
            json(
                "{'kind':'DeleteOptions','apiVersion':'v1','gracePeriodSeconds':0,"
                    + "'propagationPolicy':'Background','preconditions':{'uid':'u-1'}}"));
    assertThat(KubeProtobuf.decode(body("apps/v1", "DeleteOptions", options)).get("apiVersion"))
        .isEqualTo(json("'apps/v1'"));
  }

  @Test
  void aBodyWithoutTheMagicIsABadRequest() {
    assertThatThrownBy(() -> KubeProtobuf.decode("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status().code()).isEqualTo(400));
  }

  @Test
  void aTruncatedBodyIsABadRequest() {
    byte[] full = body("v1", "ConfigMap", V1.ConfigMap.newBuilder().putData("a", "1").build());
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
    assertThatThrownBy(() -> KubeProtobuf.decode(cut))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status().code()).isEqualTo(400));
  }

  @Test
  void aKindWithoutAMessageIsAnUnsupportedMediaType() {
    assertThatThrownBy(
            () ->
                KubeProtobuf.decode(
                    body("example.com/v1", "Widget", V1.ConfigMap.newBuilder().build())))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(415);
              assertThat(e.status().message()).contains("Widget").contains("application/json");
            });
  }
}
