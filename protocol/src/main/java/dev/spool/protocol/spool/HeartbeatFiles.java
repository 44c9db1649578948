package dev.spool.protocol.spool;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.Require;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.json.SpoolJson;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code heartbeats/}: the one place that turns a heartbeat file into a {@link Heartbeat}.
 * Every file is untrusted input (read without following links, bounded); a heartbeat whose {@code
 * worker_id} is not its file name is refused.
 */
public final class HeartbeatFiles {
  private HeartbeatFiles() {}

  /** Worker ids that have a heartbeat file (names outside {@code <id>.json} are skipped). */
  public static List<String> workers(SpoolLayout layout) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.heartbeats(), "*.json")) {
      for (Path p : dir) {
        String f = p.getFileName().toString();
        String worker = f.substring(0, f.length() - 5);
        if (Require.ID.matcher(worker).matches()) {
          out.add(worker);
        }
      }
    }
    return out;
  }

  /**
   * Reads one worker's heartbeat.
   *
   * @throws java.nio.file.NoSuchFileException when there is none (never written, or replaced
   *     between list and read)
   * @throws InvalidInputException when the file is not a valid heartbeat of {@code worker}
   */
  public static Heartbeat read(SpoolLayout layout, String worker)
      throws IOException, InvalidInputException {
    Path p = layout.heartbeat(worker);
    String source = layout.relative(p);
    var unsafe = SafeFiles.unsafeReason(p, SpoolJson.MAX_DOCUMENT_BYTES);
    if (unsafe.isPresent()) {
      throw new InvalidInputException(source, null, unsafe.get());
    }
    Heartbeat hb =
        SpoolJson.read(
            source, SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES), Heartbeat.class);
    if (!hb.workerId().equals(worker)) {
      throw new InvalidInputException(
          source,
          "worker_id",
          "is \"" + hb.workerId() + "\" but the file name says \"" + worker + "\"");
    }
    return hb;
  }
}
