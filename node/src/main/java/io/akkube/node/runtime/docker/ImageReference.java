package io.akkube.node.runtime.docker;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image name as a pod spec writes it ({@code busybox}, {@code busybox:1.32.0}, {@code
 * registry.local:5000/team/app@sha256:…}): its validity, registry, repository and tag, and the pull
 * policy the API defaults it to.
 */
record ImageReference(String name, String registry, String repository, String tag, String digest) {

  /** Docker's reference grammar (distribution/reference), lowercase path components. */
  private static final Pattern REFERENCE =
      Pattern.compile(
          "^((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
              + "(?::([\\w][\\w.-]{0,127}))?"
              + "(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$");

  /** The image reference, or the kubelet's InvalidImageName message. */
  static Parsed parse(String image) {
    var m = REFERENCE.matcher(image);
    if (image.isEmpty() || !m.matches()) {
      String why =
          !image.isEmpty() && !image.equals(image.toLowerCase())
              ? "repository name must be lowercase"
              : "invalid reference format";
      return new Parsed(
          Optional.empty(),
          "Failed to apply default image tag \""
              + image
              + "\": couldn't parse image reference \""
              + image
              + "\": "
              + why);
    }
    String path = m.group(1);
    String first = path.contains("/") ? path.substring(0, path.indexOf('/')) : "";
    boolean hasRegistry =
        !first.isEmpty()
            && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    String registry = hasRegistry ? first : "docker.io";
    String repository = hasRegistry ? path.substring(first.length() + 1) : path;
    if (!hasRegistry && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    String digest = m.group(3) == null ? "" : m.group(3);
    String tag = m.group(2) != null ? m.group(2) : digest.isEmpty() ? "latest" : "";
    return new Parsed(
        Optional.of(new ImageReference(image, registry, repository, tag, digest)), "");
  }

  record Parsed(Optional<ImageReference> reference, String error) {}

  /** The API's default: {@code Always} for {@code :latest} or no tag, else {@code IfNotPresent}. */
  static String defaultPullPolicy(String image) {
    Parsed p = parse(image);
    if (p.reference().isEmpty()) {
      return "IfNotPresent";
    }
    ImageReference r = p.reference().get();
    return r.digest().isEmpty() && r.tag().equals("latest") ? "Always" : "IfNotPresent";
  }

  /** What the engine's pull endpoint takes as {@code fromImage} (the name without tag/digest). */
  String fromImage() {
    String n = name;
    int at = n.indexOf('@');
    if (at >= 0) {
      n = n.substring(0, at);
    }
    int slash = n.lastIndexOf('/');
    int colon = n.lastIndexOf(':');
    return colon > slash ? n.substring(0, colon) : n;
  }

  /** The pull endpoint's {@code tag}: the tag or the digest. */
  String tagOrDigest() {
    return digest.isEmpty() ? tag : digest;
  }
}
