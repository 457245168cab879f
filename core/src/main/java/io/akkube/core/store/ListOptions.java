package io.akkube.core.store;

/**
 * A list request. {@code namespace} null lists all namespaces; selectors are Kubernetes' string
 * syntax ("" for none); {@code limit} 0 for no paging; {@code resourceVersion} "" for a consistent
 * (most recent) list, "0" for any cached state.
 */
public record ListOptions(
    String namespace,
    String labelSelector,
    String fieldSelector,
    long limit,
    String continueToken,
    String resourceVersion) {

  public static ListOptions all() {
    return new ListOptions(null, "", "", 0, "", "");
  }

  public static ListOptions inNamespace(String namespace) {
    return new ListOptions(namespace, "", "", 0, "", "");
  }
}
