package io.akkube.node.runtime.docker;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A byte pipe between threads that may come and go (the engine client's callback threads), unlike
 * {@link java.io.PipedInputStream}, which fails once its writer thread has ended.
 */
final class Pipe {

  private static final byte[] EOF = new byte[0];

  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (!closed && len > 0) {
            chunks.add(Arrays.copyOfRange(b, off, off + len));
          }
        }

        @Override
        public void close() {
          Pipe.this.close();
        }
      };

  final InputStream source =
      new InputStream() {
        private byte[] current;
        private int pos;
        private boolean ended;

        @Override
        public int read() throws InterruptedIOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws InterruptedIOException {
          if (len == 0) {
            return 0;
          }
          while (current == null || pos >= current.length) {
            if (ended) {
              return -1;
            }
            try {
              current = chunks.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException();
            }
            pos = 0;
            if (current == EOF) {
              ended = true;
              current = null;
              return -1;
            }
          }
          int n = Math.min(len, current.length - pos);
          System.arraycopy(current, pos, b, off, n);
          pos += n;
          return n;
        }

        @Override
        public int available() {
          return current == null ? 0 : current.length - pos;
        }

        @Override
        public void close() {
          Pipe.this.close();
        }
      };

  void close() {
    if (!closed) {
      closed = true;
      chunks.add(EOF);
    }
  }
}
