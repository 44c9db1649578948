package dev.spool.coordinator.wal;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.wal.WalRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's write-ahead log: {@code wal/<epoch>.wal} (epoch as 20 digits), one file per
 * lease epoch so two coordinators never append to the same file. Each line is one framed record
 * (see {@link WalFrame}: {@code <length> <crc32c-hex> <json>\n}); every append is forced to disk
 * before it returns, so a decision is durable before anything acts on it.
 *
 * <p>Opening replays every file of this and older epochs in epoch order: a torn last record is
 * truncated and logged, a damaged record in the middle is a {@link WalCorruptException} naming the
 * file and byte offset. {@link #compact} rewrites the log as only the records still needed (a new
 * file, fsynced, renamed over this epoch's file) and removes older epochs' files, so the log does
 * not grow with finished tasks.
 *
 * <p>Crash: a crash in {@link #append} leaves at worst a torn tail (dropped at the next open, and
 * nothing had acted on it); a crash in {@link #compact} leaves either the old or the new file under
 * the name, and older epochs' files are deleted only after the new file is durable.
 *
 * <p>Thread-safe (methods are synchronized); meant for one coordinator thread.
 */
public final class WriteAheadLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
  private static final String SUFFIX = ".wal";

  /** The op of the record {@link #compact} ends with; not a decision, only carries the seq. */
  public static final String CHECKPOINT = "checkpoint";

  private final Path dir;
  private final long epoch;
  private final AtomicFiles files;
  private final List<WalRecord> replayed;
  private final List<Path> olderFiles;
  private FileChannel channel;
  private long nextSeq;
  private long appendedSinceCompaction;

  private WriteAheadLog(
      Path dir, long epoch, AtomicFiles files, List<WalRecord> replayed, List<Path> older) {
    this.dir = dir;
    this.epoch = epoch;
    this.files = files;
    this.replayed =
        replayed.stream().filter(r -> !CHECKPOINT.equals(r.op())).collect(Collectors.toList());
    this.olderFiles = new ArrayList<>(older);
    long max = 0;
    for (WalRecord r : replayed) {
      max = Math.max(max, r.seq());
    }
    this.nextSeq = max + 1;
  }

  /**
   * Replays the log in {@code dir} for a coordinator holding lease {@code epoch}.
   *
   * @throws WalCorruptException if a record in the middle of a file is damaged
   * @throws IllegalStateException if a file of a higher epoch exists: another coordinator took over
   */
  public static WriteAheadLog open(Path dir, long epoch, AtomicFiles files)
      throws IOException, WalCorruptException {
    TreeMap<Long, Path> byEpoch = list(dir);
    if (!byEpoch.tailMap(epoch, false).isEmpty()) {
      throw new IllegalStateException(
          "wal has a file of epoch "
              + byEpoch.lastKey()
              + " above this coordinator's epoch "
              + epoch
              + ": another coordinator took over");
    }
    List<WalRecord> records = new ArrayList<>();
    List<Path> older = new ArrayList<>();
    for (var e : byEpoch.entrySet()) {
      records.addAll(WalReader.replay(e.getValue()).records());
      if (e.getKey() != epoch) {
        older.add(e.getValue());
      }
    }
    log.info(
        "wal_replayed dir={} epoch={} records={} files={}",
        dir,
        epoch,
        records.size(),
        byEpoch.size());
    return new WriteAheadLog(dir, epoch, files, records, older);
  }

  /** The file name of an epoch's log. */
  public static String fileName(long epoch) {
    return String.format("%020d%s", epoch, SUFFIX);
  }

  static TreeMap<Long, Path> list(Path dir) throws IOException {
    TreeMap<Long, Path> byEpoch = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.length() == 20 + SUFFIX.length() && n.endsWith(SUFFIX) && n.matches("[0-9]{20}.*")) {
          byEpoch.put(Long.parseLong(n.substring(0, 20)), p);
        }
      }
    }
    return byEpoch;
  }

  /** Every decision record found at open, in log order (checkpoints left out). */
  public List<WalRecord> replayed() {
    return replayed;
  }

  public long epoch() {
    return epoch;
  }

  public Path file() {
    return dir.resolve(fileName(epoch));
  }

  /**
   * Appends a decision and forces it to disk. The draft's {@code seq} and {@code epoch} are
   * replaced by the log's next sequence number and this log's epoch.
   *
   * @return the record as written
   */
  public synchronized WalRecord append(WalRecord draft) throws IOException {
    return append(draft, true);
  }

  /**
   * Appends a record without forcing it: for facts that are safe to lose in a crash (a marker that
   * a decision was applied; replaying the decision again is idempotent). The next forced append
   * makes it durable too.
   */
  public synchronized WalRecord appendUnforced(WalRecord draft) throws IOException {
    return append(draft, false);
  }

  private WalRecord append(WalRecord draft, boolean force) throws IOException {
    WalRecord r =
        new WalRecord(
            draft.schemaVersion(),
            nextSeq,
            epoch,
            draft.at(),
            draft.op(),
            draft.taskId(),
            draft.attempt(),
            draft.from(),
            draft.to(),
            draft.reason(),
            draft.dueAt(),
            draft.detail());
    byte[] line = WalFrame.encode(r);
    FileChannel ch = channel();
    ByteBuffer buf = ByteBuffer.wrap(line);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    if (force) {
      ch.force(false);
    }
    nextSeq++;
    appendedSinceCompaction++;
    return r;
  }

  /** Records appended since the last compaction (or open): the caller's compaction trigger. */
  public synchronized long appendedSinceCompaction() {
    return appendedSinceCompaction;
  }

  /**
   * Rewrites this epoch's file as exactly {@code keep} (the decisions not yet fully applied), then
   * removes the files of older epochs.
   */
  public synchronized void compact(List<WalRecord> keep) throws IOException {
    List<WalRecord> lines = new ArrayList<>(keep);
    // The checkpoint keeps seq growing across compactions even when nothing else is kept.
    lines.add(
        new WalRecord(
            null, nextSeq - 1, epoch, null, CHECKPOINT, null, null, null, null, null, null, null));
    Path tmp = dir.resolve("." + fileName(epoch) + ".compact");
    Files.deleteIfExists(tmp);
    try (FileChannel out =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (WalRecord r : lines) {
        ByteBuffer buf = ByteBuffer.wrap(WalFrame.encode(r));
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      out.force(true);
    }
    closeChannel();
    Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE);
    files.syncDir(dir);
    for (Path p : olderFiles) {
      Files.deleteIfExists(p);
    }
    olderFiles.clear();
    files.syncDir(dir);
    log.info(
        "wal_compacted file={} kept={} appended_before={}",
        file(),
        keep.size(),
        appendedSinceCompaction);
    appendedSinceCompaction = 0;
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      boolean created = !Files.exists(file());
      channel =
          FileChannel.open(
              file(),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
      if (created) {
        files.syncDir(dir);
      }
    }
    return channel;
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closeChannel();
  }
}
