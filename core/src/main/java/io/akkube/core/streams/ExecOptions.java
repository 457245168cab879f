package io.akkube.core.streams;

import java.util.List;

/**
 * v1 PodExecOptions: the command, the container (resolved as for logs), which streams the client
 * attaches, and whether the command gets a terminal (then stdout carries stderr too).
 */
public record ExecOptions(
    String container,
    List<String> command,
    boolean stdin,
    boolean stdout,
    boolean stderr,
    boolean tty) {

  public ExecOptions {
    command = List.copyOf(command);
  }

  public ExecOptions withContainer(String name) {
    return new ExecOptions(name, command, stdin, stdout, stderr, tty);
  }
}
