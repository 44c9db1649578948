package dev.spool.worker.discovery;

import dev.spool.protocol.task.Task;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last task files the picker decoded, by pending name, so the dispatcher does not decode a task
 * a second time after claiming it: it reads the claimed file's bytes again (the file may have been
 * rewritten in place between the two reads by a writer that copies straight into {@code pending/})
 * and reuses the decoded task only when the bytes are identical. Bounded in entries and bytes; the
 * oldest entries go first. Thread-safe.
 */
final class RecentReads {
  static final int MAX_ENTRIES = 64;
  static final long MAX_BYTES = 4L * 1024 * 1024;

  private record Read(byte[] bytes, Task task) {}

  private final Map<String, Read> reads = new LinkedHashMap<>();
  private long bytes;

  synchronized void put(String name, byte[] content, Task task) {
    Read old = reads.remove(name);
    if (old != null) {
      bytes -= old.bytes().length;
    }
    if (content.length > MAX_BYTES) {
      return;
    }
    reads.put(name, new Read(content, task));
    bytes += content.length;
    Iterator<Read> oldest = reads.values().iterator();
    while (reads.size() > MAX_ENTRIES || bytes > MAX_BYTES) {
      bytes -= oldest.next().bytes().length;
      oldest.remove();
    }
  }

  /** The task decoded from exactly {@code content} under {@code name}, or null; forgets it. */
  synchronized Task take(String name, byte[] content) {
    Read r = reads.remove(name);
    if (r == null) {
      return null;
    }
    bytes -= r.bytes().length;
    return Arrays.equals(r.bytes(), content) ? r.task() : null;
  }

  synchronized int size() {
    return reads.size();
  }
}
