package dev.spool.protocol.spool;

/** The directory is not a spool this program can use; the message says why and what to do. */
public final class SpoolFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public SpoolFormatException(String message) {
    super(message);
  }
}
