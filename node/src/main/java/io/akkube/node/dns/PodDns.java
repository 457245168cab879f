package io.akkube.node.dns;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.node.runtime.ContainerRuntime.Mount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's resolv.conf as the kubelet computes it (pkg/kubelet/network/dns): dnsPolicy ClusterFirst
 * points at the cluster DNS with the namespace's search path and {@code ndots:5}, Default copies
 * the host's file, None starts empty; spec.dnsConfig is merged into all three. The process runtime
 * gets it as a read-only bind mount at /etc/resolv.conf ({@link #withResolvConf}).
 *
 * @param clusterDns the cluster DNS addresses (kubelet --cluster-dns); empty = none
 * @param clusterDomain kubelet --cluster-domain, e.g. {@code cluster.local}
 * @param host the host's resolv.conf (kubelet --resolv-conf)
 * @param enabled whether pods get a resolv.conf mount at all (hollow nodes: no)
 */
public record PodDns(
    List<String> clusterDns, String clusterDomain, ResolvConf host, boolean enabled) {

  /** Pods keep whatever /etc/resolv.conf the host has (no mount). */
  public static final PodDns NONE = new PodDns(List.of(), "cluster.local", ResolvConf.EMPTY, false);

  /** glibc reads at most three nameservers; the kubelet keeps at most 32 search domains. */
  static final int MAX_NAMESERVERS = 3;

  static final int MAX_SEARCHES = 32;

  public PodDns {
    clusterDns = List.copyOf(clusterDns);
  }

  /**
   * From config {@code akkube.node} ({@code cluster-dns}, {@code cluster-domain}, {@code
   * resolv-conf}); disabled when {@code cluster-dns} is absent.
   */
  public static PodDns fromConfig(com.typesafe.config.Config node) {
    if (!node.hasPath("cluster-dns")) {
      return NONE;
    }
    return new PodDns(
        node.getStringList("cluster-dns"),
        node.hasPath("cluster-domain") ? node.getString("cluster-domain") : "cluster.local",
        ResolvConf.read(
            Path.of(
                node.hasPath("resolv-conf") ? node.getString("resolv-conf") : "/etc/resolv.conf")),
        true);
  }

  /** The resolv.conf of {@code pod}. */
  public ResolvConf resolvConf(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    String policy = spec.path("dnsPolicy").asText("ClusterFirst");
    String namespace = pod.path("metadata").path("namespace").asText("default");
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    if (policy.equals("ClusterFirst") && (hostNetwork || clusterDns.isEmpty())) {
      // as the kubelet: host-network pods with ClusterFirst, or no cluster DNS, use the host's
      policy = "Default";
    } else if (policy.equals("ClusterFirstWithHostNet")) {
      policy = clusterDns.isEmpty() ? "Default" : "ClusterFirst";
    }
    ResolvConf base =
        switch (policy) {
          case "ClusterFirst" -> {
            List<String> searches = new ArrayList<>();
            if (!clusterDomain.isEmpty()) {
              searches.add(namespace + ".svc." + clusterDomain);
              searches.add("svc." + clusterDomain);
              searches.add(clusterDomain);
            }
            searches.addAll(host.searches());
            yield new ResolvConf(clusterDns, searches, List.of("ndots:5"));
          }
          case "None" -> ResolvConf.EMPTY;
          default -> host;
        };
    return merge(base, spec.path("dnsConfig"));
  }

  /** appendDNSConfig: nameservers and searches appended without duplicates, options by name. */
  static ResolvConf merge(ResolvConf base, JsonNode dnsConfig) {
    LinkedHashSet<String> nameservers = new LinkedHashSet<>(base.nameservers());
    dnsConfig.path("nameservers").forEach(n -> nameservers.add(n.asText()));
    LinkedHashSet<String> searches = new LinkedHashSet<>(base.searches());
    dnsConfig.path("searches").forEach(s -> searches.add(s.asText()));
    Map<String, String> options = new LinkedHashMap<>();
    for (String option : base.options()) {
      int colon = option.indexOf(':');
      options.put(colon < 0 ? option : option.substring(0, colon), option);
    }
    for (JsonNode option : dnsConfig.path("options")) {
      String name = option.path("name").asText("");
      if (!name.isEmpty()) {
        String value = option.path("value").asText("");
        options.put(name, value.isEmpty() ? name : name + ":" + value);
      }
    }
    return new ResolvConf(
        nameservers.stream().limit(MAX_NAMESERVERS).toList(),
        searches.stream().limit(MAX_SEARCHES).toList(),
        List.copyOf(options.values()));
  }

  /**
   * {@code mounts} plus the pod's resolv.conf, written to {@code podDir/etc-resolv.conf} and
   * mounted read-only at /etc/resolv.conf, unless disabled or a volume already mounts that path.
   */
  public List<Mount> withResolvConf(List<Mount> mounts, JsonNode pod, Path podDir) {
    if (!enabled || mounts.stream().anyMatch(m -> m.containerPath().equals("/etc/resolv.conf"))) {
      return mounts;
    }
    Path file = podDir.resolve("etc-resolv.conf");
    try {
      Files.createDirectories(podDir);
      Path tmp = podDir.resolve("etc-resolv.conf.tmp");
      Files.writeString(tmp, resolvConf(pod).render());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the pod's resolv.conf: " + e.getMessage(), e);
    }
    List<Mount> out = new ArrayList<>(mounts);
    out.add(new Mount(file, "/etc/resolv.conf", true));
    return List.copyOf(out);
  }
}
