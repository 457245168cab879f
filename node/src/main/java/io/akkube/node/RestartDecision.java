package io.akkube.node;

/** What the kubelet decides when a container ends, and how it names the ending. */
public final class RestartDecision {

  private RestartDecision() {}

  /** restartPolicy Always restarts everything, OnFailure only non-zero exits, Never nothing. */
  public static boolean shouldRestart(String restartPolicy, int exitCode) {
    return switch (restartPolicy) {
      case "Never" -> false;
      case "OnFailure" -> exitCode != 0;
      default -> true;
    };
  }

  /** An init container that failed is retried unless the pod's restartPolicy is Never. */
  public static boolean shouldRetryInit(String restartPolicy, int exitCode) {
    return exitCode != 0 && !restartPolicy.equals("Never");
  }

  /** status.containerStatuses[].state.terminated.reason. */
  public static String terminatedReason(int exitCode, boolean oomKilled) {
    if (oomKilled) {
      return "OOMKilled";
    }
    return exitCode == 0 ? "Completed" : "Error";
  }
}
