package dev.spool.worker.testing;

import dev.spool.protocol.fs.FileOps;
import dev.spool.protocol.fs.ForwardingFileOps;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real file operations where the first {@code n} claim renames (pending/ to claimed/) take effect
 * and then report ENOENT, the NFS lost reply, and where the client's attribute cache does not learn
 * of them: {@link #exists} keeps answering as before the rename (the source there, the claim not)
 * for as long as the test lets it, as a stale cache on another host would.
 */
public final class StaleLostReplyOps extends ForwardingFileOps {
  private final AtomicInteger lostReplies;
  private final Map<Path, Boolean> staleAnswers = new ConcurrentHashMap<>();

  public StaleLostReplyOps(int lostReplies) {
    super(FileOps.real());
    this.lostReplies = new AtomicInteger(lostReplies);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate().rename(source, target);
    if (source.getParent().getFileName().toString().equals("pending")
        && target.getParent().getFileName().toString().equals("claimed")
        && lostReplies.getAndDecrement() > 0) {
      staleAnswers.put(source, true);
      staleAnswers.put(target, false);
      throw new NoSuchFileException(source.toString(), target.toString(), "injected lost reply");
    }
  }

  @Override
  public boolean exists(Path path) {
    Boolean stale = staleAnswers.get(path);
    return stale != null ? stale : delegate().exists(path);
  }

  /** How many lost replies are still to come. */
  public int lostRepliesLeft() {
    return Math.max(0, lostReplies.get());
  }
}
