package io.akkube.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * Writes the kubeconfig kubectl uses to reach this akkube: context {@code akkube} for this member,
 * and one context {@code akkube-<node>} per control-plane member of the cluster (this one
 * included), each with that member's server URL and certificate, all with the cluster's bearer
 * token.
 */
final class Kubeconfig {

  /** One API server: the member's node name, its URL and the PEM certificate kubectl trusts. */
  record Server(String node, String url, String caPem) {}

  private Kubeconfig() {}

  static void write(Path file, Server self, List<Server> members, String token) throws IOException {
    StringBuilder clusters = new StringBuilder(cluster("akkube", self));
    StringBuilder contexts = new StringBuilder(context("akkube"));
    for (Server m : members) {
      clusters.append(cluster("akkube-" + m.node(), m));
      contexts.append(context("akkube-" + m.node()));
    }
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        %susers:
        - name: akkube-admin
          user:
            token: %s
        contexts:
        %scurrent-context: akkube
        preferences: {}
        """
            .formatted(clusters, token, contexts);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, yaml);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String cluster(String name, Server server) {
    return """
        - name: %s
          cluster:
            server: %s
            certificate-authority-data: %s
        """
        .formatted(
            name,
            server.url(),
            Base64.getEncoder().encodeToString(server.caPem().getBytes(StandardCharsets.US_ASCII)));
  }

  private static String context(String name) {
    return """
        - name: %s
          context:
            cluster: %s
            user: akkube-admin
            namespace: default
        """
        .formatted(name, name);
  }
}
