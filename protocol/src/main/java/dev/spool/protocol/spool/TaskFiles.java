package dev.spool.protocol.spool;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads task files from the spool, treating each as untrusted input. Every refusal is an {@link
 * InvalidInputException} that names the file (relative to the spool) and the field, ready to be
 * written as a quarantine reason.
 */
public final class TaskFiles {
  private final SpoolLayout layout;

  public TaskFiles(SpoolLayout layout) {
    this.layout = layout;
  }

  /**
   * Reads and validates the task at {@code file}.
   *
   * @param expectedId the id the file name carries, or null for a name outside the grammar
   * @throws InvalidInputException for any unsafe entry or invalid content
   * @throws java.nio.file.NoSuchFileException if the file vanished (claimed or moved by another)
   * @throws IOException if the disk or permissions fail
   */
  public Task read(Path file, String expectedId) throws IOException, InvalidInputException {
    return parse(file, readBytes(file), expectedId);
  }

  /**
   * The bytes of the task file at {@code file}, refused as {@link #read} refuses an unsafe entry (a
   * link, a special file, several hard links, too large).
   *
   * @throws InvalidInputException for an unsafe entry
   * @throws java.nio.file.NoSuchFileException if the file vanished
   * @throws IOException if the disk or permissions fail
   */
  public byte[] readBytes(Path file) throws IOException, InvalidInputException {
    String source = layout.relative(file);
    Optional<String> unsafe = SafeFiles.unsafeReason(file, SpoolJson.MAX_DOCUMENT_BYTES);
    if (unsafe.isPresent()) {
      throw new InvalidInputException(source, null, unsafe.get());
    }
    try {
      return SafeFiles.readBounded(file, SpoolJson.MAX_DOCUMENT_BYTES);
    } catch (SafeFiles.FileTooLargeException e) {
      throw new InvalidInputException(
          source,
          null,
          "grew over the limit of " + SpoolJson.MAX_DOCUMENT_BYTES + " bytes while being read");
    }
  }

  /**
   * Decodes and validates task bytes read from {@code file} (named in every error).
   *
   * @param expectedId the id the file name carries, or null for a name outside the grammar
   * @throws InvalidInputException for invalid content
   */
  public Task parse(Path file, byte[] bytes, String expectedId) throws InvalidInputException {
    String source = layout.relative(file);
    Task task = SpoolJson.read(source, bytes, Task.class);
    if (expectedId != null && !task.id().equals(expectedId)) {
      throw new InvalidInputException(
          source, "id", "is \"" + task.id() + "\" but the file name says \"" + expectedId + "\"");
    }
    return task;
  }
}
