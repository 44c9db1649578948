package dev.spool.protocol.spool;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * {@code spool.json} at the spool root: {@code {"format": "spool", "version": "1.0", ...}}. A
 * program refuses a spool whose major version it does not know; a higher minor version only adds
 * things an older program may ignore.
 */
public record SpoolMeta(String format, String version, Instant createdAt) {
  public static final String FORMAT = "spool";
  public static final int MAJOR = 1;
  public static final int MINOR = 0;
  public static final String CURRENT = MAJOR + "." + MINOR;

  public SpoolMeta {
    Require.nonNull(format, "format");
    if (!FORMAT.equals(format)) {
      throw new FieldException(
          "format", "must be \"spool\" (got " + Require.quoteShort(format) + ")");
    }
    Require.nonNull(version, "version");
    if (!version.matches("[0-9]{1,4}\\.[0-9]{1,4}")) {
      throw new FieldException(
          "version", "must look like 1.0 (got " + Require.quoteShort(version) + ")");
    }
  }

  public static SpoolMeta current(Instant createdAt) {
    return new SpoolMeta(FORMAT, CURRENT, createdAt);
  }

  public int major() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }
}
