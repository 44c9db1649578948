package dev.spool.worker.lane;

import dev.spool.protocol.lanes.Routing;
import dev.spool.protocol.lanes.RoutingFile;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's routing file as this worker last read it: re-read at most once per {@link
 * #REFRESH_NANOS}. A file that cannot be read or parsed keeps the previous routing (logged once per
 * change), so an operator's typo cannot stop the fleet. Thread-safe.
 */
public final class RoutingCache implements Supplier<Routing> {
  private static final Logger log = LoggerFactory.getLogger(RoutingCache.class);
  static final long REFRESH_NANOS = 1_000_000_000L;

  private final SpoolLayout layout;
  private final LongSupplier nanos;
  private Routing current = Routing.NONE;
  private long readAt;
  private boolean read;
  private String lastError;

  public RoutingCache(SpoolLayout layout, LongSupplier nanos) {
    this.layout = layout;
    this.nanos = nanos;
  }

  @Override
  public synchronized Routing get() {
    long now = nanos.getAsLong();
    if (read && now - readAt < REFRESH_NANOS) {
      return current;
    }
    read = true;
    readAt = now;
    try {
      current = RoutingFile.read(layout);
      lastError = null;
    } catch (IOException | IllegalArgumentException e) {
      if (!e.getMessage().equals(lastError)) {
        lastError = e.getMessage();
        log.error(
            "routing_unreadable file={} reason={} consequence=the previous routing stays in use;"
                + " fix the file",
            layout.relative(layout.routingFile()),
            e.getMessage());
      }
    }
    return current;
  }
}
