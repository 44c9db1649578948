package dev.spool.protocol.spool;

import dev.spool.protocol.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Moves an input that cannot be accepted into {@code quarantine/}, with a {@code .reason} file
 * beside it that a human can read. Nothing is ever deleted: the entry itself is renamed (a link or
 * FIFO is moved, never followed or opened). Thread-safe.
 */
public final class Quarantine {
  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final Clock clock;

  public Quarantine(SpoolLayout layout, AtomicFiles files, Clock clock) {
    this.layout = layout;
    this.files = files;
    this.clock = clock;
  }

  /**
   * Quarantines {@code entry}. The reason file is published first, so a crash leaves at worst a
   * reason without its entry (which fsck reports), never an entry without its reason.
   *
   * @param reason why, naming the field where one is to blame; never the file's content
   * @param detectedBy who refused it, e.g. {@code worker w1}
   * @return the quarantined path, or null if the entry vanished first (another party took it)
   */
  public Path quarantine(Path entry, String reason, String detectedBy) throws IOException {
    String original = entry.getFileName().toString();
    String from = layout.relative(entry.getParent());
    String name =
        from.replace('/', '_')
            + "~"
            + sanitize(original)
            + "~"
            + clock.millis()
            + "~"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    Path target = layout.quarantine().resolve(name);
    Path reasonFile = layout.quarantine().resolve(name + ".reason");
    String text =
        "reason: "
            + oneLine(reason)
            + "\nsource: "
            + from
            + "/"
            + escape(original)
            + "\ndetected_by: "
            + oneLine(detectedBy)
            + "\nat: "
            + clock.instant()
            + "\n";
    files.publishIfAbsent(reasonFile, text.getBytes(StandardCharsets.UTF_8));
    try {
      files.ops().rename(entry, target);
    } catch (NoSuchFileException e) {
      // Over NFS a retransmitted rename can report ENOENT after it succeeded: then the entry is
      // in quarantine/ and must keep its reason.
      if (!(files.ops().exists(target) && !files.ops().exists(entry))) {
        files.ops().deleteIfExists(reasonFile);
        return null;
      }
    }
    files.syncDir(layout.quarantine());
    return target;
  }

  /** A file-name-safe, visible, bounded form of a hostile name. */
  static String sanitize(String name) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < name.length() && sb.length() < 100; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      sb.append(ok ? c : '_');
    }
    if (sb.length() == 0 || sb.charAt(0) == '.') {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String oneLine(String s) {
    return escape(s == null ? "" : s);
  }
}
