package dev.spool.protocol.result;

import dev.spool.protocol.Require;

/**
 * One captured stream of an attempt.
 *
 * @param path the log file, relative to the spool root (e.g. {@code logs/t-1~1.out})
 * @param bytes bytes the process wrote (counting what was cut)
 * @param truncated true when the output passed the cap and the file holds only the first part
 */
public record OutputCapture(String path, Long bytes, Boolean truncated) {
  public OutputCapture {
    Require.nonNull(path, "path");
    bytes = bytes == null ? 0L : bytes;
    Require.range(bytes, 0L, Long.MAX_VALUE, "bytes");
    truncated = truncated != null && truncated;
  }
}
