package io.akkube.core.scheduling;

import java.util.List;

/**
 * What a plugin answers, as framework.Status: success, or a code and the reasons a user reads in
 * the FailedScheduling message.
 */
public record Status(Code code, List<String> reasons) {

  /** framework.Code, as far as the built-in plugins use it. */
  public enum Code {
    SUCCESS,
    /** The node does not fit now; evicting lower-priority pods may change that. */
    UNSCHEDULABLE,
    /** The node does not fit, and preemption on it cannot help. */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /** The plugin has nothing to say for this pod; its later extension points are not run. */
    SKIP
  }

  private static final Status SUCCESS = new Status(Code.SUCCESS, List.of());
  private static final Status SKIP = new Status(Code.SKIP, List.of());

  public Status {
    reasons = List.copyOf(reasons);
  }

  public static Status success() {
    return SUCCESS;
  }

  public static Status skip() {
    return SKIP;
  }

  public static Status unschedulable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE, List.of(reasons));
  }

  public static Status unresolvable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons));
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  public boolean isSkip() {
    return code == Code.SKIP;
  }

  /** Status.Message: the reasons joined with ", ". */
  public String message() {
    return String.join(", ", reasons);
  }
}
