package io.akkube.node.proxy;

import static io.akkube.node.proxy.Services.catalog;
import static io.akkube.node.proxy.Services.endpoints;
import static io.akkube.node.proxy.Services.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.node.proxy.ProxyRules.Frontend;
import io.akkube.node.proxy.ProxyRules.Rule;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyRulesTest {

  @Test
  void eachServicePortIsServedOnItsClusterIpAndItsNodePortOnTheNodeAddress() {
    ObjectNode svc = service("default", "web", "127.97.0.10", "http:80:TCP:30080", "dns:53:UDP");
    ObjectNode ep =
        endpoints(
            "default",
            "web",
            List.of("127.0.0.1", "127.0.0.2"),
            List.of("127.0.0.3"),
            "http:8080:TCP",
            "dns:5353:UDP");
    Map<Frontend, Rule> rules = ProxyRules.of(catalog(List.of(svc), List.of(ep)), "127.0.0.9");
    assertThat(rules.keySet())
        .containsExactlyInAnyOrder(
            new Frontend("TCP", "127.97.0.10", 80),
            new Frontend("TCP", "127.0.0.9", 30080),
            new Frontend("UDP", "127.97.0.10", 53));
    assertThat(rules.get(new Frontend("TCP", "127.97.0.10", 80)).endpoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("127.0.0.1", 8080),
            InetSocketAddress.createUnresolved("127.0.0.2", 8080));
    assertThat(rules.get(new Frontend("UDP", "127.97.0.10", 53)).endpoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("127.0.0.1", 5353),
            InetSocketAddress.createUnresolved("127.0.0.2", 5353));
    assertThat(rules.get(new Frontend("TCP", "127.0.0.9", 30080)).service())
        .isEqualTo("default/web:http");
  }

  @Test
  void notReadyAddressesAndOtherPortNamesAreNotEndpoints() {
    ObjectNode svc = service("default", "web", "127.97.0.10", "http:80:TCP");
    ObjectNode ep = endpoints("default", "web", List.of(), List.of("127.0.0.3"), "http:8080:TCP");
    ObjectNode other = endpoints("default", "web", List.of("127.0.0.4"), List.of(), "x:9:TCP");
    assertThat(ProxyRules.of(catalog(List.of(svc), List.of(ep)), "").values())
        .singleElement()
        .satisfies(r -> assertThat(r.endpoints()).isEmpty());
    assertThat(ProxyRules.of(catalog(List.of(svc), List.of(other)), "").values())
        .singleElement()
        .satisfies(r -> assertThat(r.endpoints()).isEmpty());
  }

  @Test
  void headlessAndExternalNameServicesAreNotProxied() {
    ObjectNode headless = service("default", "db", "None", ":5432:TCP");
    ObjectNode external = service("default", "ext", "", ":80:TCP");
    external.with("spec").put("type", "ExternalName").put("externalName", "example.test");
    assertThat(ProxyRules.of(catalog(List.of(headless, external), List.of()), "127.0.0.1"))
        .isEmpty();
  }

  @Test
  void clientIpAffinityDefaultsToThreeHours() {
    ObjectNode svc = service("default", "web", "127.97.0.10", ":80:TCP");
    svc.with("spec").put("sessionAffinity", "ClientIP");
    ObjectNode timed = service("default", "timed", "127.97.0.11", ":80:TCP");
    timed
        .with("spec")
        .put("sessionAffinity", "ClientIP")
        .putObject("sessionAffinityConfig")
        .putObject("clientIP")
        .put("timeoutSeconds", 60);
    Map<Frontend, Rule> rules = ProxyRules.of(catalog(List.of(svc, timed), List.of()), "");
    assertThat(rules.get(new Frontend("TCP", "127.97.0.10", 80)).affinity())
        .isEqualTo(Duration.ofSeconds(10800));
    assertThat(rules.get(new Frontend("TCP", "127.97.0.11", 80)).affinity())
        .isEqualTo(Duration.ofSeconds(60));
  }
}
