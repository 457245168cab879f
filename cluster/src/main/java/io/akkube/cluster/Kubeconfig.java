package io.akkube.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the kubeconfig kubectl uses to reach this akkube: server URL and bearer token. */
final class Kubeconfig {

  private Kubeconfig() {}

  static void write(Path file, String serverUrl, String caPem, String token) throws IOException {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: akkube
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: akkube-admin
          user:
            token: %s
        contexts:
        - name: akkube
          context:
            cluster: akkube
            user: akkube-admin
            namespace: default
        current-context: akkube
        preferences: {}
        """
            .formatted(
                serverUrl,
                java.util.Base64.getEncoder()
                    .encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                token);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, yaml);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
