package dev.spool.coordinator.submit;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskMoves;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/**
 * Puts new tasks into the spool: into blocked/ when they depend on others, scheduled/ when their
 * {@code not_before} is ahead, pending/ otherwise. An idempotency key is claimed fleet-wide by
 * publishing {@code state/keys/<sha256 of key>.json} with a hard link before the task, so two
 * concurrent submits of one key create one task. A crash between the two leaves a key without its
 * task; the next submit with that key completes it under the recorded id.
 *
 * <p>Thread-safe.
 */
public final class Submitter {
  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final TaskMoves moves;
  private final TaskLocator locator;
  private final Clock clock;

  public Submitter(SpoolLayout layout, AtomicFiles files, Clock clock) {
    this.layout = layout;
    this.files = files;
    this.moves = new TaskMoves(layout, files);
    this.locator = new TaskLocator(layout);
    this.clock = clock;
  }

  /** Submits one task that already has its id and created_at. */
  public SubmitResult submit(Task task) throws IOException {
    if (task.idempotencyKey() != null) {
      String recorded = claimKey(task.idempotencyKey(), task.id());
      if (!recorded.equals(task.id()) || locator.find(recorded).isPresent()) {
        return new SubmitResult.Existing(recorded, task.idempotencyKey());
      }
    }
    TaskName name = entryName(task);
    moves.publish(name, task);
    return new SubmitResult.Created(task.id(), name);
  }

  /** Where a new task enters the spool. */
  TaskName entryName(Task task) {
    long now = clock.millis();
    if (!task.dependsOn().isEmpty()) {
      return new TaskName.Parked(TaskState.BLOCKED, task.id(), 1);
    }
    if (task.notBefore() != null && task.notBefore().toEpochMilli() > now) {
      return new TaskName.Scheduled(task.notBefore().toEpochMilli(), task.priority(), task.id(), 1);
    }
    return new TaskName.Pending(task.priority(), now, task.id(), 1);
  }

  /** Publishes the key file unless it exists; returns the task id the key belongs to. */
  private String claimKey(String key, String id) throws IOException {
    Path keys = layout.state().resolve("keys");
    Files.createDirectories(keys);
    Path file = keys.resolve(sha256(key) + ".json");
    byte[] body = SpoolJson.write(Map.of("idempotency_key", key, "task_id", id));
    if (files.publishIfAbsent(file, body)) {
      return id;
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m =
          SpoolJson.read(layout.relative(file), Files.readAllBytes(file), Map.class);
      return String.valueOf(m.get("task_id"));
    } catch (InvalidInputException | NoSuchFileException e) {
      throw new IOException(
          "idempotency key file " + file + " is unreadable: " + e.getMessage(), e);
    }
  }

  private static String sha256(String key) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
