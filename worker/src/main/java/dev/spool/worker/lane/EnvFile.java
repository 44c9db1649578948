package dev.spool.worker.lane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an account's env file: {@code KEY=VALUE} lines, {@code #} comments, blank lines, an
 * optional {@code export } prefix and one level of matching quotes around the value. The values are
 * credentials: they go only into the CLI's environment, never into a message, a log line or a
 * record; errors name the file and line number, never a value.
 */
final class EnvFile {
  private static final long MAX_BYTES = 64 * 1024;

  private EnvFile() {}

  static Map<String, String> read(Path file) throws IOException {
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("env file " + file + " is larger than " + MAX_BYTES + " bytes");
    }
    Map<String, String> env = new LinkedHashMap<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.startsWith("export ")) {
        t = t.substring(7).strip();
      }
      int eq = t.indexOf('=');
      if (eq <= 0 || !t.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IOException("env file " + file + " line " + n + " is not KEY=VALUE");
      }
      String v = t.substring(eq + 1);
      if (v.length() >= 2
          && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
        v = v.substring(1, v.length() - 1);
      }
      env.put(t.substring(0, eq), v);
    }
    return env;
  }
}
