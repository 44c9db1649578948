package dev.spool.coordinator.hooks;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The hooks configuration, {@code config/hooks.json}:
 *
 * <pre>
 * {"hooks": [{"on": "task_dead", "argv": ["/usr/local/bin/page", "--team", "ml"], "timeout": 10},
 *            {"on": "task_dead", "label": {"team": "ml"}, "argv": ["notify-slack"]}]}
 * </pre>
 */
public record HooksFile(List<HookConfig> hooks) {
  public HooksFile {
    hooks = hooks == null ? List.of() : List.copyOf(hooks);
  }

  /**
   * Reads {@code file}; a missing file means no hooks.
   *
   * @throws InvalidInputException naming the file and field when the configuration is invalid
   */
  public static HooksFile read(Path file) throws IOException, InvalidInputException {
    try {
      byte[] bytes = SafeFiles.readBounded(file, SpoolJson.MAX_DOCUMENT_BYTES);
      return SpoolJson.read(file.toString(), bytes, HooksFile.class);
    } catch (NoSuchFileException e) {
      return new HooksFile(List.of());
    }
  }
}
