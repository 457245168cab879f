package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static io.akkube.core.api.core.v1.PodFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PodDefaultsTest {

  @Test
  void aMinimalPodGetsKubernetesDefaults() {
    ObjectNode pod =
        obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'nginx'}]}}");
    PodDefaults.applyDefaults(pod);
    assertThat(pod.get("spec"))
        .isEqualTo(
            obj(
                "{'containers':[{'name':'c','image':'nginx','imagePullPolicy':'Always',"
                    + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],"
                    + "'dnsPolicy':'ClusterFirst','restartPolicy':'Always','securityContext':{},"
                    + "'terminationGracePeriodSeconds':30,'schedulerName':'default-scheduler',"
                    + "'enableServiceLinks':true}"));
  }

  @Test
  void admissionDefaultsAddServiceAccountTolerationsAndPriority() {
    ObjectNode pod = pod("", "");
    PodDefaults.applyAdmissionDefaults(pod);
    assertThat(pod.at("/spec/serviceAccountName").asText()).isEqualTo("default");
    assertThat(pod.at("/spec/priority").asInt()).isZero();
    assertThat(pod.at("/spec/preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    assertThat(pod.at("/spec/tolerations"))
        .isEqualTo(
            obj("{'t':[{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute','tolerationSeconds':300},"
                    + "{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':300}]}")
                .get("t"));
  }

  @Test
  void aTolerateEverythingTolerationSuppressesTheDefaultOnes() {
    ObjectNode pod = pod("", "'tolerations':[{'operator':'Exists'}]");
    PodDefaults.applyAdmissionDefaults(pod);
    assertThat(pod.at("/spec/tolerations")).hasSize(1);
  }

  @Test
  void imagePullPolicyFollowsTheTag() {
    assertThat(PodDefaults.defaultImagePullPolicy("nginx")).isEqualTo("Always");
    assertThat(PodDefaults.defaultImagePullPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(PodDefaults.defaultImagePullPolicy("nginx:1.25")).isEqualTo("IfNotPresent");
    assertThat(PodDefaults.defaultImagePullPolicy("registry.local:5000/team/app"))
        .isEqualTo("Always");
    assertThat(PodDefaults.defaultImagePullPolicy("registry.local:5000/team/app:v2"))
        .isEqualTo("IfNotPresent");
    assertThat(
            PodDefaults.defaultImagePullPolicy(
                "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        .isEqualTo("IfNotPresent");
  }

  @Test
  void requestsDefaultToLimitsForAppAndInitContainers() {
    ObjectNode pod =
        pod(
            "'resources':{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':'100m'}}",
            "'initContainers':[{'name':'init','image':'busybox','resources':{'limits':{'cpu':'1'}}}]");
    PodDefaults.applyDefaults(pod);
    assertThat(pod.at("/spec/containers/0/resources/requests"))
        .isEqualTo(obj("{'cpu':'100m','memory':'128Mi'}"));
    assertThat(pod.at("/spec/initContainers/0/resources/requests")).isEqualTo(obj("{'cpu':'1'}"));
  }

  @Test
  void portsProbesAndVolumesAreDefaulted() {
    ObjectNode pod =
        pod(
            "'ports':[{'containerPort':80}],'livenessProbe':{'httpGet':{'port':80}},"
                + "'env':[{'name':'N','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}]",
            "'volumes':[{'name':'scratch'},{'name':'cfg','configMap':{'name':'c'}},"
                + "{'name':'s','secret':{'secretName':'s'}}]");
    PodDefaults.applyDefaults(pod);
    assertThat(pod.at("/spec/containers/0/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(pod.at("/spec/containers/0/livenessProbe"))
        .isEqualTo(
            obj(
                "{'httpGet':{'port':80,'path':'/','scheme':'HTTP'},'timeoutSeconds':1,"
                    + "'periodSeconds':10,'successThreshold':1,'failureThreshold':3}"));
    assertThat(pod.at("/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion").asText())
        .isEqualTo("v1");
    assertThat(pod.at("/spec/volumes/0/emptyDir")).isEqualTo(obj("{}"));
    assertThat(pod.at("/spec/volumes/1/configMap/defaultMode").asInt()).isEqualTo(420);
    assertThat(pod.at("/spec/volumes/2/secret/defaultMode").asInt()).isEqualTo(420);
  }

  @Test
  void defaultingTwiceChangesNothing() {
    ObjectNode pod = pod("'ports':[{'containerPort':80}]", "'volumes':[{'name':'v'}]");
    PodDefaults.applyDefaults(pod);
    PodDefaults.applyAdmissionDefaults(pod);
    ObjectNode once = pod.deepCopy();
    PodDefaults.applyDefaults(pod);
    PodDefaults.applyAdmissionDefaults(pod);
    assertThat(pod).isEqualTo(once);
  }
}
