package io.akkube.node.dns;

import static io.akkube.node.proxy.Services.catalog;
import static io.akkube.node.proxy.Services.endpoints;
import static io.akkube.node.proxy.Services.service;
import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The cluster DNS on 127.0.0.1 (a free port), queried with dnsjava's resolver over UDP and TCP. */
class ClusterDnsTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static ClusterDns dns;
  private static SimpleResolver resolver;

  @BeforeAll
  static void start() throws Exception {
    dns =
        ClusterDns.start(
            testKit.system(),
            new ClusterDns.Settings(
                "127.0.0.1", 0, "cluster.local", false, Path.of("/etc/resolv.conf"), 5));
    ObjectNode web = service("default", "web", "127.97.0.10", "http:80:TCP");
    ObjectNode db = service("prod", "db", "None", "pg:5432:TCP");
    ObjectNode ext = service("default", "ext", "", ":80:TCP");
    ext.with("spec").put("type", "ExternalName").put("externalName", "example.test");
    ObjectNode dbEndpoints =
        endpoints(
            "prod",
            "db",
            List.of("127.0.0.21=db-0", "127.0.0.22"),
            List.of("127.0.0.23"),
            "pg:5433:TCP");
    dns.update(catalog(List.of(web, db, ext), List.of(dbEndpoints)));
    resolver = new SimpleResolver(dns.address());
  }

  @AfterAll
  static void stop() {
    dns.close();
    testKit.shutdownTestKit();
  }

  private static Message query(String name, int type) throws Exception {
    return resolver.send(
        Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList();
  }

  @Test
  void aServiceNameResolvesToItsClusterIp() throws Exception {
    Message m = query("web.default.svc.cluster.local.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(m)).containsExactly("127.97.0.10");
  }

  @Test
  void tcpQueriesAreAnsweredToo() throws Exception {
    resolver.setTCP(true);
    try {
      assertThat(answers(query("web.default.svc.cluster.local.", Type.A)))
          .containsExactly("127.97.0.10");
    } finally {
      resolver.setTCP(false);
    }
  }

  @Test
  void aHeadlessServiceResolvesToItsReadyEndpoints() throws Exception {
    assertThat(answers(query("db.prod.svc.cluster.local.", Type.A)))
        .containsExactlyInAnyOrder("127.0.0.21", "127.0.0.22");
    assertThat(answers(query("db-0.db.prod.svc.cluster.local.", Type.A)))
        .containsExactly("127.0.0.21");
  }

  @Test
  void namedPortsHaveSrvRecords() throws Exception {
    assertThat(answers(query("_http._tcp.web.default.svc.cluster.local.", Type.SRV)))
        .containsExactly("0 100 80 web.default.svc.cluster.local.");
    assertThat(answers(query("_pg._tcp.db.prod.svc.cluster.local.", Type.SRV)))
        .containsExactlyInAnyOrder(
            "0 100 5433 db-0.db.prod.svc.cluster.local.",
            "0 100 5433 127-0-0-22.db.prod.svc.cluster.local.");
  }

  @Test
  void clusterIpsHavePtrRecords() throws Exception {
    Message m =
        resolver.send(
            Message.newQuery(
                Record.newRecord(ReverseMap.fromAddress("127.97.0.10"), Type.PTR, DClass.IN)));
    assertThat(answers(m)).containsExactly("web.default.svc.cluster.local.");
  }

  @Test
  void externalNameServicesAreCnames() throws Exception {
    assertThat(answers(query("ext.default.svc.cluster.local.", Type.A)))
        .containsExactly("example.test.");
  }

  @Test
  void unknownClusterNamesAreNxdomainAndOtherTypesAreEmpty() throws Exception {
    Message unknown = query("nope.default.svc.cluster.local.", Type.A);
    assertThat(unknown.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(unknown.getSection(Section.AUTHORITY))
        .extracting(Record::getType)
        .containsExactly(Type.SOA);
    Message aaaa = query("web.default.svc.cluster.local.", Type.AAAA);
    assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    // the search path glibc tries first for "web.default.svc.cluster.local" under ndots:5
    assertThat(query("web.default.svc.cluster.local.default.svc.cluster.local.", Type.A).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void namesOutsideTheClusterAreRefusedWithoutForwarding() throws Exception {
    assertThat(query("example.test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void onlyLoopbackResolversAreForwardedTo() {
    ResolvConf host = ResolvConf.parse("nameserver 10.255.255.53\nnameserver 127.0.0.53\n");
    assertThat(ClusterDns.loopbackUpstreams(host, new java.net.InetSocketAddress("127.0.0.10", 53)))
        .extracting(a -> a.getAddress().getHostAddress())
        .containsExactly("127.0.0.53");
    assertThat(
            ClusterDns.loopbackUpstreams(
                ResolvConf.parse("nameserver 127.0.0.10\n"),
                new java.net.InetSocketAddress("127.0.0.10", 53)))
        .isEmpty();
  }
}
