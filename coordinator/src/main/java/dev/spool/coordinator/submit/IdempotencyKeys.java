package dev.spool.coordinator.submit;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Reserves idempotency keys for {@code spool submit}: the first submit of a key publishes {@code
 * state/idempotency/<sha256>.json} naming its task (publish-if-absent, so of two racing submits
 * exactly one wins, also across hosts); a later submit of the same key gets the first task's id and
 * must create nothing. Cost per submit is one link or one read, whatever the spool holds.
 *
 * <p>Order: reserve, then publish the task. A crash in between leaves a reservation whose task does
 * not exist; a second submit of the key then gets that id back and the task never runs. {@code
 * spool fsck} reports such reservations (a reservation whose task is in no state directory).
 * Thread-safe.
 */
public final class IdempotencyKeys {
  private final SpoolLayout layout;
  private final AtomicFiles files;

  public IdempotencyKeys(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.files = files;
  }

  /**
   * Reserves {@code key} for {@code taskId}.
   *
   * @return empty if this call reserved the key (go on and publish the task); otherwise the id of
   *     the task the key was first used for (create nothing)
   * @throws IOException if the reservation exists but cannot be read
   */
  public Optional<String> reserve(String key, String taskId, Instant now) throws IOException {
    Files.createDirectories(layout.idempotencyDir());
    Path record = layout.idempotencyRecord(key);
    byte[] mine = SpoolJson.write(new IdempotencyRecord(key, taskId, now));
    if (files.publishIfAbsent(record, mine)) {
      return Optional.empty();
    }
    Optional<String> first = lookup(key);
    if (first.isEmpty()) {
      throw new IOException(
          "idempotency record " + layout.relative(record) + " vanished after it was found");
    }
    return first;
  }

  /**
   * The task a key was reserved for, without reserving it.
   *
   * @return empty if the key was never reserved
   * @throws IOException if the reservation exists but cannot be read
   */
  public Optional<String> lookup(String key) throws IOException {
    Path record = layout.idempotencyRecord(key);
    if (!Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      IdempotencyRecord first =
          SpoolJson.read(
              layout.relative(record),
              SafeFiles.readBounded(record, 64 * 1024),
              IdempotencyRecord.class);
      if (!first.key().equals(key)) {
        throw new IOException(
            "idempotency record " + layout.relative(record) + " holds another key (hash clash)");
      }
      return Optional.of(first.taskId());
    } catch (InvalidInputException e) {
      throw new IOException("idempotency record is unreadable: " + e.getMessage(), e);
    }
  }
}
