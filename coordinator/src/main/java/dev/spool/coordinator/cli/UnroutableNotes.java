package dev.spool.coordinator.cli;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.lanes.UnroutableNote;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the coordinator's {@code state/unroutable.json} for {@code status} and {@code show}. */
final class UnroutableNotes {
  private UnroutableNotes() {}

  /** The note, or empty when there is none (nothing unroutable) or it cannot be read. */
  static Optional<UnroutableNote> read(SpoolLayout layout) throws IOException {
    try {
      byte[] b = SafeFiles.readBounded(layout.unroutableNote(), SpoolJson.MAX_DOCUMENT_BYTES);
      return Optional.of(SpoolJson.read("state/unroutable.json", b, UnroutableNote.class));
    } catch (NoSuchFileException | InvalidInputException e) {
      return Optional.empty();
    }
  }

  /** The entry of task {@code id}, as JSON for {@code show}. */
  static Optional<Map<String, Object>> of(SpoolLayout layout, String id) throws IOException {
    Optional<UnroutableNote> note = read(layout);
    if (note.isEmpty()) {
      return Optional.empty();
    }
    for (UnroutableNote.Task t : note.get().tasks()) {
      if (t.id().equals(id)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("needs", t.needs());
        m.put("since", t.since());
        m.put("dead_at", t.deadAt());
        m.put("as_of", note.get().at());
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
