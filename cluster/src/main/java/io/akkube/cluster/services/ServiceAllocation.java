package io.akkube.cluster.services;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.store.WriteHook;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.validation.GoValues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service write path's allocation step (the store's {@link WriteHook} for services): reserves
 * the cluster IP and node ports the service needs from the {@link ServiceAllocator} singleton
 * before it is written, with Kubernetes' errors for a clash or an address out of range; binds them
 * to the written service, or frees them when the write fails; frees what a changed or deleted
 * service no longer holds.
 */
public final class ServiceAllocation implements WriteHook {

  private static final Logger log = LoggerFactory.getLogger(ServiceAllocation.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final ActorRef<ServiceAllocator.Command> allocator;

  public ServiceAllocation(ActorSystem<?> system, ActorRef<ServiceAllocator.Command> allocator) {
    this.system = system;
    this.allocator = allocator;
  }

  @Override
  public CompletionStage<ObjectEntity.Reply> write(
      ObjectNode previous,
      ObjectNode next,
      boolean dryRun,
      Function<ObjectNode, CompletionStage<ObjectEntity.Reply>> write) {
    AllocationPlan plan = AllocationPlan.of(previous, next);
    String owner = Json.namespace(next) + "/" + Json.name(next);
    if (plan.reservesNothing()) {
      return write.apply(next).thenCompose(reply -> afterWrite(reply, owner, plan, null, dryRun));
    }
    return AskPattern.<ServiceAllocator.Command, ServiceAllocator.Reply>ask(
            allocator,
            replyTo ->
                new ServiceAllocator.Reserve(owner, plan.ip(), plan.ports(), dryRun, replyTo),
            ASK_TIMEOUT,
            system.scheduler())
        .thenCompose(
            reply -> {
              if (reply instanceof ServiceAllocator.Refused refused) {
                return CompletableFuture.completedFuture(
                    new ObjectEntity.Reply(null, refusal(next, plan, refused), false));
              }
              ServiceAllocator.Reserved reserved = (ServiceAllocator.Reserved) reply;
              plan.fill(next, reserved.ip(), reserved.ports());
              return write
                  .apply(next)
                  .handle(
                      (written, failure) -> {
                        if (failure != null || written.error() != null) {
                          if (!dryRun) {
                            revert(owner, reserved);
                          }
                          if (failure != null) {
                            throw new java.util.concurrent.CompletionException(failure);
                          }
                          return CompletableFuture.completedFuture(written);
                        }
                        return afterWrite(written, owner, plan, reserved, dryRun);
                      })
                  .thenCompose(written -> written);
            });
  }

  /**
   * Binds the reservation to the written service and releases what it no longer holds; the client
   * is answered once the allocator has recorded that (as Kubernetes commits before it answers).
   */
  private CompletionStage<ObjectEntity.Reply> afterWrite(
      ObjectEntity.Reply reply,
      String owner,
      AllocationPlan plan,
      ServiceAllocator.Reserved reserved,
      boolean dryRun) {
    if (dryRun || reply.error() != null || reply.object() == null) {
      return CompletableFuture.completedFuture(reply);
    }
    ObjectNode written = reply.object().object();
    if (reply.finished()) {
      deleted(written);
      return CompletableFuture.completedFuture(reply);
    }
    List<String> ips =
        reserved == null || reserved.ip() == null ? List.of() : List.of(reserved.ip());
    List<Integer> ports = reserved == null ? List.of() : reserved.ports();
    if (ips.isEmpty()
        && ports.isEmpty()
        && plan.releaseIps().isEmpty()
        && plan.releasePorts().isEmpty()) {
      return CompletableFuture.completedFuture(reply);
    }
    return tell(
            r ->
                new ServiceAllocator.Commit(
                    owner,
                    Json.metaText(written, "uid"),
                    ips,
                    ports,
                    plan.releaseIps(),
                    plan.releasePorts(),
                    r),
            "commit")
        .thenApply(done -> reply);
  }

  private void revert(String owner, ServiceAllocator.Reserved reserved) {
    List<String> ips = reserved.ip() == null ? List.of() : List.of(reserved.ip());
    tell(r -> new ServiceAllocator.Revert(owner, ips, reserved.ports(), r), "revert");
  }

  @Override
  public void deleted(ObjectNode last) {
    String owner = Json.namespace(last) + "/" + Json.name(last);
    tell(r -> new ServiceAllocator.ReleaseAll(owner, Json.metaText(last, "uid"), r), "release");
  }

  /**
   * A commit, revert or release that fails is only logged: it leaves a pending or stale entry that
   * the repair resolves.
   */
  private CompletionStage<Void> tell(
      Function<ActorRef<Done>, ServiceAllocator.Command> command, String what) {
    return AskPattern.ask(allocator, command::apply, ASK_TIMEOUT, system.scheduler())
        .handle(
            (done, failure) -> {
              if (failure != null) {
                log.warn(
                    "service allocation {} not confirmed (repair will settle it): {}",
                    what,
                    failure.toString());
              }
              return null;
            });
  }

  /** Kubernetes' wording: 422 for a clash or an address out of range, 500 for a full range. */
  private static ApiStatus refusal(
      ObjectNode service, AllocationPlan plan, ServiceAllocator.Refused r) {
    String name = Json.name(service);
    if (r.index() < 0) {
      if (r.full()) {
        return ApiStatus.internal(
            "Internal error occurred: failed to allocate a serviceIP: " + r.reason());
      }
      return ApiStatus.invalid(
          ResourceTypes.SERVICES,
          name,
          List.of(
              new FieldError(
                  FieldError.Type.INVALID,
                  "spec.clusterIPs",
                  GoValues.stringSlice(service.path("spec").path("clusterIPs")),
                  "failed to allocate IP " + plan.ip() + ": " + r.reason())));
    }
    int index = plan.portIndexes().get(r.index());
    if (r.full() && index != AllocationPlan.HEALTH_CHECK) {
      return ApiStatus.internal(
          "Internal error occurred: failed to allocate a nodePort: " + r.reason());
    }
    if (index == AllocationPlan.HEALTH_CHECK) {
      int asked = plan.ports().get(r.index());
      return ApiStatus.internal(
          "Internal error occurred: "
              + (asked == 0
                  ? "failed to allocate a HealthCheck NodePort 0: " + r.reason()
                  : "failed to allocate requested HealthCheck NodePort "
                      + asked
                      + ": "
                      + r.reason()));
    }
    return ApiStatus.invalid(
        ResourceTypes.SERVICES,
        name,
        List.of(
            FieldError.invalid(
                "spec.ports[" + index + "].nodePort", plan.ports().get(r.index()), r.reason())));
  }
}
