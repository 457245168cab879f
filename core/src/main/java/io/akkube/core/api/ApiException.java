package io.akkube.core.api;

/** Carries an {@link ApiStatus} through futures and up to the HTTP edge. */
public final class ApiException extends RuntimeException {
  private final ApiStatus status;

  public ApiException(ApiStatus status) {
    super(status.message(), null, false, false);
    this.status = status;
  }

  public ApiStatus status() {
    return status;
  }
}
