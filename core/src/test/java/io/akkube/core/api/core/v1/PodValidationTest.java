package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.defaulted;
import static io.akkube.core.api.core.v1.PodFixtures.messages;
import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static io.akkube.core.api.core.v1.PodFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PodValidationTest {

  private static java.util.List<String> create(ObjectNode pod) {
    return messages(PodValidation.validatePodCreate(defaulted(pod)));
  }

  @Test
  void aDefaultedMinimalPodIsValid() {
    assertThat(create(pod("", ""))).isEmpty();
  }

  @Test
  void containersAreRequired() {
    assertThat(create(obj("{'metadata':{'name':'p'},'spec':{'containers':[]}}")))
        .containsExactly("spec.containers: Required value");
  }

  @Test
  void anUnknownRestartPolicyIsNotSupported() {
    assertThat(create(pod("", "'restartPolicy':'Sometimes'")))
        .containsExactly(
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
                + " \"OnFailure\", \"Never\"");
  }

  @Test
  void portsMustBeInRange() {
    assertThat(create(pod("'ports':[{'containerPort':70000}]", "")))
        .containsExactly(
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and"
                + " 65535, inclusive");
  }

  @Test
  void livenessProbesMustSucceedOnce() {
    assertThat(
            create(pod("'livenessProbe':{'exec':{'command':['true']},'successThreshold':2}", "")))
        .containsExactly(
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
  }

  @Test
  void probesNeedExactlyOneHandler() {
    assertThat(
            create(
                pod(
                    "'readinessProbe':{'exec':{'command':['true']},'tcpSocket':{'port':80}},"
                        + "'startupProbe':{'periodSeconds':5}",
                    "")))
        .containsExactly(
            "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1"
                + " handler type",
            "spec.containers[0].startupProbe: Required value: must specify a handler type");
  }

  @Test
  void containerNamesAreLabelsAndUniqueAcrossInitContainers() {
    assertThat(
            create(
                pod(
                    "",
                    "'initContainers':[{'name':'app','image':'busybox'},{'name':'Init_1','image':'busybox'}]")))
        .containsExactly(
            "spec.initContainers[0].name: Duplicate value: \"app\"",
            "spec.initContainers[1].name: Invalid value: \"Init_1\": a lowercase RFC 1123 label"
                + " must consist of lower case alphanumeric characters or '-', and must start and"
                + " end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used"
                + " for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }

  @Test
  void imageIsRequired() {
    ObjectNode pod = obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c'}]}}");
    assertThat(create(pod)).containsExactly("spec.containers[0].image: Required value");
  }

  @Test
  void portNamesAreUniqueIanaNamesAndProtocolsKnown() {
    assertThat(
            create(
                pod(
                    "'ports':[{'name':'http','containerPort':80},{'name':'http','containerPort':81},"
                        + "{'name':'HTTP','containerPort':82},{'containerPort':83,'protocol':'ICMP'}]",
                    "")))
        .containsExactly(
            "spec.containers[0].ports[1].name: Duplicate value: \"http\"",
            "spec.containers[0].ports[2].name: Invalid value: \"HTTP\": must contain only"
                + " alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.containers[0].ports[2].name: Invalid value: \"HTTP\": must contain at least one"
                + " letter (a-z)",
            "spec.containers[0].ports[3].protocol: Unsupported value: \"ICMP\": supported values:"
                + " \"SCTP\", \"TCP\", \"UDP\"");
  }

  @Test
  void volumeMountsMustReferToVolumesAndBeUnique() {
    assertThat(
            create(
                pod(
                    "'volumeMounts':[{'name':'data','mountPath':'/d'},{'name':'nope','mountPath':'/d'},{'name':'data'}]",
                    "'volumes':[{'name':'data','emptyDir':{}},{'name':'data','emptyDir':{}},"
                        + "{'name':'two','emptyDir':{},'hostPath':{'path':'/x'}}]")))
        .containsExactly(
            "spec.volumes[1].name: Duplicate value: \"data\"",
            "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type",
            "spec.containers[0].volumeMounts[1].name: Not found: \"nope\"",
            "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be unique",
            "spec.containers[0].volumeMounts[2].mountPath: Required value");
  }

  @Test
  void envNeedsValidNamesAndOneValueSource() {
    assertThat(
            create(
                pod(
                    "'env':[{'name':'1BAD','value':'x'},{'name':'A','valueFrom':{}},"
                        + "{'name':'B','value':'x','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}]",
                    "")))
        .containsExactly(
            "spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable"
                + " name must consist of alphabetic characters, digits, '_', '-', or '.', and must"
                + " not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or"
                + " 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
            "spec.containers[0].env[1].valueFrom: Invalid value: \"\": must specify one of:"
                + " `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            "spec.containers[0].env[2].valueFrom: Invalid value: \"\": may not be specified when"
                + " `value` is not empty");
  }

  @Test
  void requestsMayNotExceedLimitsAndQuantitiesMustParse() {
    assertThat(
            create(
                pod(
                    "'resources':{'limits':{'cpu':'500m','memory':'lots'},'requests':{'cpu':'1'}}",
                    "")))
        .containsExactly(
            "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must"
                + " match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            "spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or"
                + " equal to cpu limit of 500m");
  }

  @Test
  void schedulingFieldsAreChecked() {
    assertThat(
            create(
                pod(
                    "",
                    "'activeDeadlineSeconds':0,'dnsPolicy':'Sometimes','nodeSelector':{'disk':'-ssd'},"
                        + "'tolerations':[{'key':'k','operator':'Maybe','effect':'Never'},{'operator':'Equal','value':'v'}]")))
        .containsExactly(
            "spec.dnsPolicy: Unsupported value: \"Sometimes\": supported values:"
                + " \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
            "spec.nodeSelector: Invalid value: \"-ssd\": a valid label must be an empty string or"
                + " consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
                + " an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex"
                + " used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647,"
                + " inclusive",
            "spec.tolerations[0].operator: Unsupported value: \"Maybe\": supported values:"
                + " \"Equal\", \"Exists\"",
            "spec.tolerations[0].effect: Unsupported value: \"Never\": supported values:"
                + " \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
            "spec.tolerations[1].operator: Invalid value: \"Equal\": operator must be Exists when"
                + " `key` is empty, which means \"match all values and all keys\"");
  }

  @Test
  void hostPortsAreInRangeAndUnique() {
    assertThat(
            create(
                pod(
                    "'ports':[{'containerPort':80,'hostPort':8080},{'containerPort':81,'hostPort':8080},"
                        + "{'containerPort':82,'hostPort':99999}]",
                    "")))
        .containsExactly(
            "spec.containers[0].ports[2].hostPort: Invalid value: 99999: must be between 1 and"
                + " 65535, inclusive",
            "spec.containers[0].ports[1].hostPort: Duplicate value: \"TCP//8080\"");
  }

  @Test
  void onlyImagesDeadlinesAndTolerationsMayChangeOnUpdate() {
    ObjectNode old = defaulted(pod("", ""));
    ObjectNode newImage = old.deepCopy();
    ((ObjectNode) newImage.at("/spec/containers/0")).put("image", "nginx:1.26");
    newImage.with("spec").put("activeDeadlineSeconds", 60);
    assertThat(PodValidation.validatePodUpdate(newImage, old)).isEmpty();

    ObjectNode newPort = old.deepCopy();
    ((ObjectNode) newPort.at("/spec/containers/0"))
        .putArray("ports")
        .addObject()
        .put("containerPort", 80)
        .put("protocol", "TCP");
    assertThat(messages(PodValidation.validatePodUpdate(newPort, old)))
        .singleElement()
        .asString()
        .startsWith(
            "spec: Forbidden: pod updates may not change fields other than"
                + " `spec.containers[*].image`,`spec.initContainers[*].image`,"
                + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing"
                + " tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if"
                + " it was previously negative)\n")
        .contains("spec.containers[0].ports");
  }

  @Test
  void updatesMayNotAddContainersRemoveTolerationsOrExtendDeadlines() {
    ObjectNode old = defaulted(pod("", "'activeDeadlineSeconds':30"));
    PodDefaults.applyAdmissionDefaults(old);
    ObjectNode more = old.deepCopy();
    more.with("spec").withArray("containers").addObject().put("name", "b").put("image", "x");
    assertThat(messages(PodValidation.validatePodUpdate(more, old)))
        .contains("spec.containers: Forbidden: pod updates may not add or remove containers");

    ObjectNode fewerTolerations = old.deepCopy();
    fewerTolerations.with("spec").withArray("tolerations").remove(0);
    fewerTolerations.with("spec").put("activeDeadlineSeconds", 60);
    assertThat(messages(PodValidation.validatePodUpdate(fewerTolerations, old)))
        .containsExactly(
            "spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous"
                + " value");
    fewerTolerations.with("spec").put("activeDeadlineSeconds", 30);
    assertThat(messages(PodValidation.validatePodUpdate(fewerTolerations, old)))
        .containsExactly(
            "spec.tolerations: Forbidden: existing toleration can not be modified except its"
                + " tolerationSeconds");
  }

  @Test
  void statusUpdatesKeepTheQosClassAndTerminatedContainers() {
    ObjectNode old = defaulted(pod("", "'restartPolicy':'Never','nodeName':'n1'"));
    old.set(
        "status",
        obj(
            "{'phase':'Running','qosClass':'BestEffort','containerStatuses':[{'name':'app','state':{'terminated':{'exitCode':0}}}]}"));
    ObjectNode updated = old.deepCopy();
    updated.set(
        "status",
        obj(
            "{'phase':'Running','qosClass':'Burstable','containerStatuses':[{'name':'app','state':{'running':{}}}]}"));
    assertThat(messages(PodValidation.validatePodStatusUpdate(updated, old)))
        .containsExactly(
            "status.qosClass: Invalid value: \"Burstable\": field is immutable",
            "status.containerStatuses[0].state: Forbidden: may not be transitioned to"
                + " non-terminated state");
  }
}
