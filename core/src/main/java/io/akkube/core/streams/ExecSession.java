package io.akkube.core.streams;

import akka.NotUsed;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.concurrent.CompletionStage;

/**
 * One running exec. Each source and the sink may be materialized once. Without a terminal, stdout
 * and stderr are separate; with one, stderr is empty. When the client has detached, {@link
 * #terminate()} kills what still runs.
 */
public interface ExecSession {

  /** Bytes for the command's stdin; completing the stream closes it (EOF). */
  Sink<ByteString, NotUsed> stdin();

  Source<ByteString, NotUsed> stdout();

  Source<ByteString, NotUsed> stderr();

  /** The terminal's new size (ignored without a terminal). */
  void resize(int width, int height);

  /** The command's exit code once it has ended (128+n after signal n). */
  CompletionStage<Integer> exitCode();

  /** Kills the command and whatever it started; nothing when it has ended. */
  void terminate();
}
