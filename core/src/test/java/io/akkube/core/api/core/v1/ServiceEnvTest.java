package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {

  private static ObjectNode service(String namespace, String name, String spec) {
    return obj(
        "{'metadata':{'name':'"
            + name
            + "','namespace':'"
            + namespace
            + "'},'spec':{"
            + spec
            + "}}");
  }

  private static final ObjectNode MASTER =
      service(
          "default",
          "kubernetes",
          "'clusterIP':'10.96.0.1','ports':[{'name':'https','port':443,'protocol':'TCP'}]");

  @Test
  void aServiceGivesTheKubeletsVariablesIncludingNamedPortsAndDockerLinks() {
    ObjectNode web =
        service(
            "shop",
            "web-front",
            "'clusterIP':'10.96.4.5','ports':[{'port':80,'protocol':'TCP'},"
                + "{'name':'dns','port':53,'protocol':'UDP'}]");

    Map<String, String> env = ServiceEnv.forPod("shop", true, List.of(web));

    assertThat(env)
        .containsExactly(
            Map.entry("WEB_FRONT_SERVICE_HOST", "10.96.4.5"),
            Map.entry("WEB_FRONT_SERVICE_PORT", "80"),
            Map.entry("WEB_FRONT_SERVICE_PORT_DNS", "53"),
            Map.entry("WEB_FRONT_PORT", "tcp://10.96.4.5:80"),
            Map.entry("WEB_FRONT_PORT_80_TCP", "tcp://10.96.4.5:80"),
            Map.entry("WEB_FRONT_PORT_80_TCP_PROTO", "tcp"),
            Map.entry("WEB_FRONT_PORT_80_TCP_PORT", "80"),
            Map.entry("WEB_FRONT_PORT_80_TCP_ADDR", "10.96.4.5"),
            Map.entry("WEB_FRONT_PORT_53_UDP", "udp://10.96.4.5:53"),
            Map.entry("WEB_FRONT_PORT_53_UDP_PROTO", "udp"),
            Map.entry("WEB_FRONT_PORT_53_UDP_PORT", "53"),
            Map.entry("WEB_FRONT_PORT_53_UDP_ADDR", "10.96.4.5"));
  }

  @Test
  void theMasterServiceIsAlwaysIncludedAndOtherNamespacesNever() {
    ObjectNode elsewhere =
        service("other", "db", "'clusterIP':'10.96.0.9','ports':[{'port':5432}]");

    Map<String, String> env = ServiceEnv.forPod("shop", true, List.of(MASTER, elsewhere));

    assertThat(env)
        .containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1")
        .containsEntry("KUBERNETES_SERVICE_PORT", "443")
        .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
        .containsEntry("KUBERNETES_PORT", "tcp://10.96.0.1:443")
        .doesNotContainKey("DB_SERVICE_HOST");
  }

  @Test
  void enableServiceLinksFalseKeepsOnlyTheMasterService() {
    ObjectNode web = service("default", "web", "'clusterIP':'10.96.4.5','ports':[{'port':80}]");

    Map<String, String> env = ServiceEnv.forPod("default", false, List.of(MASTER, web));

    assertThat(env).containsKey("KUBERNETES_SERVICE_HOST").doesNotContainKey("WEB_SERVICE_HOST");
  }

  @Test
  void headlessAndExternalNameServicesGiveNoVariables() {
    ObjectNode headless = service("shop", "db", "'clusterIP':'None','ports':[{'port':5432}]");
    ObjectNode external = service("shop", "ext", "'type':'ExternalName','externalName':'x.org'");

    assertThat(ServiceEnv.forPod("shop", true, List.of(headless, external))).isEmpty();
  }

  @Test
  void aServiceNamedKubernetesInThePodsNamespaceWinsOverTheMasterService() {
    ObjectNode local =
        service("shop", "kubernetes", "'clusterIP':'10.96.7.7','ports':[{'port':8443}]");

    Map<String, String> env = ServiceEnv.forPod("shop", true, List.of(local, MASTER));

    assertThat(env).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.7.7");
  }

  @Test
  void enableServiceLinksDefaultsToTrue() {
    assertThat(ServiceEnv.enableServiceLinks(obj("{'spec':{}}"))).isTrue();
    assertThat(ServiceEnv.enableServiceLinks(obj("{'spec':{'enableServiceLinks':false}}")))
        .isFalse();
  }
}
