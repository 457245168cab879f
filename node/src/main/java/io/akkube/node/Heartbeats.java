package io.akkube.node;

import java.time.Duration;

/**
 * Where a node agent says "still here" (DESIGN.md §6): the node-lifecycle singleton, reached with a
 * message, never a journal write. The agent calls {@link #beat} every {@link #interval}.
 */
public interface Heartbeats {

  /** An agent nobody monitors (unit tests, tools). */
  Heartbeats NONE =
      new Heartbeats() {
        @Override
        public Duration interval() {
          return Duration.ZERO;
        }

        @Override
        public void beat(String nodeName) {}
      };

  /** How often the agent beats; zero means never. */
  Duration interval();

  /** One heartbeat of {@code nodeName}; must not block. */
  void beat(String nodeName);
}
