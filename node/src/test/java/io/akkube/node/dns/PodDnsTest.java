package io.akkube.node.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.node.runtime.ContainerRuntime.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodDnsTest {

  private static final ResolvConf HOST =
      ResolvConf.parse(
          "# host\nnameserver 127.0.0.53\nsearch corp.test lab.test\noptions edns0 trust-ad\n");
  private static final PodDns DNS = new PodDns(List.of("127.0.0.10"), "cluster.local", HOST, true);

  private static ObjectNode pod(String yaml) throws Exception {
    return (ObjectNode) Json.YAML.readTree(yaml);
  }

  @Test
  void clusterFirstPointsAtTheClusterDnsWithTheNamespaceSearchPath() throws Exception {
    ResolvConf conf = DNS.resolvConf(pod("metadata: {namespace: shop}\nspec: {}\n"));
    assertThat(conf.render())
        .isEqualTo(
            "nameserver 127.0.0.10\n"
                + "search shop.svc.cluster.local svc.cluster.local cluster.local corp.test"
                + " lab.test\n"
                + "options ndots:5\n");
  }

  @Test
  void defaultCopiesTheHostsFile() throws Exception {
    ResolvConf conf = DNS.resolvConf(pod("metadata: {namespace: a}\nspec: {dnsPolicy: Default}"));
    assertThat(conf).isEqualTo(HOST);
  }

  @Test
  void hostNetworkPodsWithClusterFirstUseTheHostsFileUnlessWithHostNet() throws Exception {
    assertThat(DNS.resolvConf(pod("spec: {hostNetwork: true}"))).isEqualTo(HOST);
    assertThat(
            DNS.resolvConf(pod("spec: {hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}"))
                .nameservers())
        .containsExactly("127.0.0.10");
  }

  @Test
  void noneTakesOnlyDnsConfig() throws Exception {
    ResolvConf conf =
        DNS.resolvConf(
            pod(
                """
                spec:
                  dnsPolicy: None
                  dnsConfig:
                    nameservers: [127.0.0.99]
                    searches: [my.test]
                    options: [{name: ndots, value: "2"}, {name: edns0}]
                """));
    assertThat(conf.render())
        .isEqualTo("nameserver 127.0.0.99\nsearch my.test\noptions ndots:2 edns0\n");
  }

  @Test
  void dnsConfigIsMergedIntoClusterFirstWithoutDuplicatesAndOptionsByName() throws Exception {
    ResolvConf conf =
        DNS.resolvConf(
            pod(
                """
                metadata: {namespace: default}
                spec:
                  dnsConfig:
                    nameservers: [127.0.0.10, 127.0.0.11]
                    searches: [cluster.local, extra.test]
                    options: [{name: ndots, value: "1"}, {name: timeout, value: "3"}]
                """));
    assertThat(conf.nameservers()).containsExactly("127.0.0.10", "127.0.0.11");
    assertThat(conf.searches())
        .containsExactly(
            "default.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local",
            "corp.test",
            "lab.test",
            "extra.test");
    assertThat(conf.options()).containsExactly("ndots:1", "timeout:3");
  }

  @Test
  void withoutAClusterDnsClusterFirstFallsBackToTheHost() throws Exception {
    PodDns none = new PodDns(List.of(), "cluster.local", HOST, true);
    assertThat(none.resolvConf(pod("spec: {}"))).isEqualTo(HOST);
  }

  @Test
  void theFileIsWrittenInThePodDirectoryAndMountedReadOnly(@TempDir Path podDir) throws Exception {
    List<Mount> mounts = DNS.withResolvConf(List.of(), pod("metadata: {namespace: a}"), podDir);
    assertThat(mounts)
        .containsExactly(new Mount(podDir.resolve("etc-resolv.conf"), "/etc/resolv.conf", true));
    assertThat(Files.readString(podDir.resolve("etc-resolv.conf")))
        .startsWith("nameserver 127.0.0.10\nsearch a.svc.cluster.local ");
    assertThat(PodDns.NONE.withResolvConf(List.of(), pod("spec: {}"), podDir)).isEmpty();
    List<Mount> own = List.of(new Mount(podDir, "/etc/resolv.conf", true));
    assertThat(DNS.withResolvConf(own, pod("spec: {}"), podDir)).isEqualTo(own);
  }
}
