package io.akkube.core.controller;

import io.akkube.core.api.ApiException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What went wrong in a store call, as a controller needs to know it. */
final class Failures {

  private Failures() {}

  static Throwable cause(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static int code(Throwable failure) {
    return cause(failure) instanceof ApiException api ? api.status().code() : 0;
  }

  static boolean isNotFound(Throwable failure) {
    return code(failure) == 404;
  }

  static boolean isAlreadyExists(Throwable failure) {
    return code(failure) == 409;
  }

  /** The message a user reads in an event or condition. */
  static String message(Throwable failure) {
    Throwable t = cause(failure);
    if (t instanceof ApiException api) {
      return api.status().message();
    }
    return String.valueOf(t.getMessage());
  }
}
