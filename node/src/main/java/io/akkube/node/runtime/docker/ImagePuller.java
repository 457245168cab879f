package io.akkube.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.core.command.PullImageResultCallback;
import io.akkube.node.runtime.ContainerRuntime.ContainerEvents;
import io.akkube.node.runtime.ContainerRuntime.EngineSpec;
import io.akkube.node.runtime.ContainerRuntime.StartFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's image manager on the engine: imagePullPolicy Always / IfNotPresent / Never, the
 * events Pulling / Pulled / Failed / BackOff, and the waiting reasons ErrImagePull,
 * ImagePullBackOff (a failed pull is not tried again before its back-off, 10 s doubling to 300 s
 * per pod and image), ErrImageNeverPull and InvalidImageName.
 *
 * <p>One deviation, for machines without a registry (docs/decisions/0011-docker-api-runtime.md):
 * under {@code Always}, a pull that fails while the image is on the machine runs that image.
 */
final class ImagePuller {

  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  private final DockerClient engine;
  private final Clock clock;
  private final Duration backoffInitial;
  private final Duration backoffMax;

  private record BackOff(Instant until, Duration window) {}

  private final Map<String, BackOff> backoffs = new ConcurrentHashMap<>();

  ImagePuller(DockerClient engine, Clock clock, Duration backoffInitial, Duration backoffMax) {
    this.engine = engine;
    this.clock = clock;
    this.backoffInitial = backoffInitial;
    this.backoffMax = backoffMax;
  }

  /** Makes the container's image present as its policy says; returns the name to create from. */
  String ensure(String podUid, EngineSpec spec) {
    String image = spec.container().path("image").asText("");
    ContainerEvents events = spec.events();
    ImageReference.Parsed parsed = ImageReference.parse(image);
    if (parsed.reference().isEmpty()) {
      events.record(WARNING, "InspectFailed", parsed.error());
      throw new StartFailure("InvalidImageName", parsed.error());
    }
    ImageReference ref = parsed.reference().get();
    String policy = spec.container().path("imagePullPolicy").asText("");
    if (policy.isEmpty()) {
      policy = ImageReference.defaultPullPolicy(image);
    }
    Optional<Long> present = size(image);
    if (policy.equals("Never") || (policy.equals("IfNotPresent") && present.isPresent())) {
      if (present.isEmpty()) {
        String message =
            "Container image \"" + image + "\" is not present with pull policy of Never";
        events.record(WARNING, "ErrImageNeverPull", message);
        throw new StartFailure("ErrImageNeverPull", message);
      }
      events.record(
          NORMAL, "Pulled", "Container image \"" + image + "\" already present on machine");
      return image;
    }
    String key = podUid + "/" + image;
    BackOff backoff = backoffs.get(key);
    Instant now = clock.instant();
    if (backoff != null && now.isBefore(backoff.until())) {
      String message = "Back-off pulling image \"" + image + "\"";
      events.record(NORMAL, "BackOff", message);
      throw new StartFailure("ImagePullBackOff", message);
    }
    events.record(NORMAL, "Pulling", "Pulling image \"" + image + "\"");
    long started = System.nanoTime();
    try {
      PullImageCmd pull = engine.pullImageCmd(ref.fromImage()).withTag(ref.tagOrDigest());
      RegistryAuths.forRegistry(ref.registry(), spec.pullSecrets())
          .ifPresent(
              c ->
                  pull.withAuthConfig(
                      new AuthConfig()
                          .withRegistryAddress(c.serverAddress())
                          .withUsername(c.username())
                          .withPassword(c.password())
                          .withAuth(c.auth().isEmpty() ? null : c.auth())));
      pull.exec(new PullImageResultCallback()).awaitCompletion();
      Optional<Long> size = size(image);
      if (size.isEmpty()) {
        throw new IllegalStateException("the engine does not have the image after its pull");
      }
      backoffs.remove(key);
      String took = goDuration(Duration.ofNanos(System.nanoTime() - started));
      events.record(
          NORMAL,
          "Pulled",
          "Successfully pulled image \""
              + image
              + "\" in "
              + took
              + " ("
              + took
              + " including waiting). Image size: "
              + size.get()
              + " bytes.");
      return image;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure("ErrImagePull", "interrupted while pulling image \"" + image + "\"");
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (policy.equals("Always") && present.isPresent()) {
        events.record(
            NORMAL,
            "Pulled",
            "Container image \""
                + image
                + "\" already present on machine (its pull failed: "
                + why
                + ")");
        return image;
      }
      Duration window =
          backoff == null
              ? backoffInitial
              : backoff.window().multipliedBy(2).compareTo(backoffMax) > 0
                  ? backoffMax
                  : backoff.window().multipliedBy(2);
      backoffs.put(key, new BackOff(now.plus(window), window));
      String message = "Failed to pull image \"" + image + "\": " + why;
      events.record(WARNING, "Failed", message);
      throw new StartFailure("ErrImagePull", message);
    }
  }

  /** Forgets the pod's back-offs (the pod is gone). */
  void forget(String podUid) {
    backoffs.keySet().removeIf(k -> k.startsWith(podUid + "/"));
  }

  private Optional<Long> size(String image) {
    try {
      Long size = engine.inspectImageCmd(image).exec().getSize();
      return Optional.of(size == null ? 0L : size);
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Go's time.Duration text, truncated to milliseconds: {@code 523ms}, {@code 1.2s}. */
  static String goDuration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    String s = String.format("%d.%03d", ms / 1000, ms % 1000).replaceFirst("\\.?0+$", "");
    return s + "s";
  }
}
