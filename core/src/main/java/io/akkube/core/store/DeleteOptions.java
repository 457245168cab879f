package io.akkube.core.store;

/**
 * metav1.DeleteOptions. {@code gracePeriodSeconds} null means "the kind's default";
 * propagationPolicy one of Orphan, Background, Foreground or null.
 */
public record DeleteOptions(
    Long gracePeriodSeconds,
    String preconditionUid,
    String preconditionResourceVersion,
    String propagationPolicy,
    boolean dryRun) {
  public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);
}
