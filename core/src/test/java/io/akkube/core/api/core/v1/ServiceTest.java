package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.messages;
import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTest {

  private final ServiceStrategy strategy = new ServiceStrategy();

  private static ObjectNode service(String spec) {
    return obj("{'metadata':{'name':'web','namespace':'default'},'spec':{" + spec + "}}");
  }

  private List<String> errors(ObjectNode svc) {
    strategy.prepareForCreate(svc);
    strategy.applyDefaults(svc);
    return messages(strategy.validateCreate(svc));
  }

  @Test
  void aMinimalServiceGetsKubernetesDefaults() {
    ObjectNode svc = service("'selector':{'app':'web'},'ports':[{'port':80}]");
    assertThat(errors(svc)).isEmpty();
    assertThat(svc.get("spec"))
        .isEqualTo(
            obj(
                "{'selector':{'app':'web'},'ports':[{'port':80,'protocol':'TCP','targetPort':80}],"
                    + "'sessionAffinity':'None','type':'ClusterIP',"
                    + "'internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack',"
                    + "'ipFamilies':['IPv4']}"));
    assertThat(svc.get("status")).isEqualTo(obj("{'loadBalancer':{}}"));
  }

  @Test
  void nodePortAndLoadBalancerServicesGetAnExternalTrafficPolicy() {
    ObjectNode svc = service("'type':'LoadBalancer','ports':[{'port':443,'targetPort':'https'}]");
    assertThat(errors(svc)).isEmpty();
    assertThat(svc.at("/spec/externalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(svc.at("/spec/allocateLoadBalancerNodePorts").asBoolean()).isTrue();
    assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("https");
  }

  @Test
  void portsAreRequiredNamedAndInRange() {
    assertThat(errors(service(""))).containsExactly("spec.ports: Required value");
    assertThat(errors(service("'clusterIP':'None'"))).isEmpty();
    assertThat(errors(service("'ports':[{'port':80},{'name':'b','port':70000,'protocol':'HTTP'}]")))
        .containsExactly(
            "spec.ports[0].name: Required value",
            "spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\","
                + " \"TCP\", \"UDP\"",
            "spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535,"
                + " inclusive");
    assertThat(errors(service("'ports':[{'name':'a','port':80},{'name':'a','port':81}]")))
        .containsExactly("spec.ports[1].name: Duplicate value: \"a\"");
  }

  @Test
  void typeAndExternalNameAreChecked() {
    assertThat(errors(service("'type':'Ingress','ports':[{'port':80}]")))
        .contains(
            "spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\","
                + " \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
    assertThat(errors(service("'type':'ExternalName'")))
        .containsExactly("spec.externalName: Required value");
    assertThat(errors(service("'type':'ExternalName','externalName':'db.example.com.'"))).isEmpty();
    assertThat(errors(service("'type':'ClusterIP','ports':[{'port':80,'nodePort':30080}]")))
        .containsExactly(
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  }

  @Test
  void thePrimaryClusterIpMayBeAllocatedButNotChanged() {
    ObjectNode old = service("'ports':[{'port':80}]");
    strategy.applyDefaults(old);
    ObjectNode allocated = service("'clusterIP':'10.96.0.10','ports':[{'port':80}]");
    strategy.prepareForUpdate(allocated, old);
    strategy.applyDefaults(allocated);
    assertThat(strategy.validateUpdate(allocated, old)).isEmpty();
    assertThat(allocated.at("/spec/clusterIPs/0").asText()).isEqualTo("10.96.0.10");

    ObjectNode omitted = service("'ports':[{'port':80}]");
    strategy.prepareForUpdate(omitted, allocated);
    strategy.applyDefaults(omitted);
    assertThat(omitted.at("/spec/clusterIP").asText()).isEqualTo("10.96.0.10");

    ObjectNode changed = service("'clusterIP':'10.96.0.11','ports':[{'port':80}]");
    strategy.prepareForUpdate(changed, allocated);
    strategy.applyDefaults(changed);
    assertThat(messages(strategy.validateUpdate(changed, allocated)))
        .containsExactly(
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set");
  }

  @Test
  void servicesDoNotTrackGeneration() {
    assertThat(strategy.tracksGeneration()).isFalse();
  }
}
