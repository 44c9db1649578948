package dev.spool.protocol.testing;

import dev.spool.protocol.fs.FileOps;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link FileOps} that injects faults at chosen steps and otherwise delegates (to {@link
 * FileOps#real()} by default). Each rule names an {@link Op}, a predicate on the path the call acts
 * on (the target of a rename, the new name of a link, the file written, the directory fsynced, the
 * file deleted, the first path of isSameFile), which of the matching calls fire ({@link Calls}) and
 * the {@link Fault}. Every matching rule counts each call; the first rule that fires decides.
 *
 * <pre>
 * FaultyFileOps ops = FaultyFileOps.over(FileOps.real())
 *     .lostReply(Op.RENAME, FaultyFileOps.inDir(layout.dir(TaskState.CLAIMED)))
 *     .build();
 * </pre>
 *
 * <p>Thread-safe: rules count matching calls atomically, so a rule for "the 3rd call" fires exactly
 * once however many threads call.
 */
public final class FaultyFileOps implements FileOps {

  /** The operations a rule can target. FSYNC_FILE is the force inside writeNew(..., true). */
  public enum Op {
    RENAME,
    LINK,
    WRITE_NEW,
    FSYNC_FILE,
    FSYNC_DIRECTORY,
    DELETE,
    IS_SAME_FILE
  }

  private final FileOps delegate;
  private final List<Rule> rules;
  private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
  private final AtomicInteger fired = new AtomicInteger();

  private FaultyFileOps(FileOps delegate, List<Rule> rules) {
    this.delegate = delegate;
    this.rules = List.copyOf(rules);
    for (Op op : Op.values()) {
      calls.put(op, new AtomicInteger());
    }
  }

  /** Starts a set of rules over {@code delegate}. */
  public static Builder over(FileOps delegate) {
    return new Builder(delegate);
  }

  /** Matches a file directly inside {@code dir}. */
  public static Predicate<Path> inDir(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    return p -> d.equals(p.toAbsolutePath().normalize().getParent());
  }

  /** Matches every path. */
  public static Predicate<Path> anyPath() {
    return p -> true;
  }

  /** How many calls of {@code op} this instance has seen, faulty or not. */
  public int calls(Op op) {
    return calls.get(op).get();
  }

  /** How many faults have fired. */
  public int fired() {
    return fired.get();
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Optional<Fault> f = fault(Op.RENAME, target);
    throwIfFail(f, target);
    delegate.rename(source, target);
    if (f.isPresent()) {
      throw new NoSuchFileException(source.toString(), null, "injected lost reply of rename");
    }
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    Optional<Fault> f = fault(Op.LINK, link);
    throwIfFail(f, link);
    delegate.link(link, existing);
    if (f.isPresent()) {
      throw new FileAlreadyExistsException(link.toString(), null, "injected lost reply of link");
    }
  }

  @Override
  public void writeNew(Path file, byte[] data, boolean fsync) throws IOException {
    Optional<Fault> f = fault(Op.WRITE_NEW, file);
    throwIfFail(f, file);
    if (f.isPresent()) {
      int written = ((Fault.DiskFull) f.get()).afterBytes();
      delegate.writeNew(file, Arrays.copyOf(data, Math.min(written, data.length)), false);
      throw new IOException(file + ": No space left on device");
    }
    Optional<Fault> sync = fsync ? fault(Op.FSYNC_FILE, file) : Optional.empty();
    delegate.writeNew(file, data, fsync && sync.isEmpty());
    throwIfFail(sync, file);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    throwIfFail(fault(Op.FSYNC_DIRECTORY, dir), dir);
    delegate.fsyncDirectory(dir);
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    throwIfFail(fault(Op.DELETE, file), file);
    return delegate.deleteIfExists(file);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public boolean isSameFile(Path a, Path b) throws IOException {
    throwIfFail(fault(Op.IS_SAME_FILE, a), a);
    return delegate.isSameFile(a, b);
  }

  private Optional<Fault> fault(Op op, Path path) {
    calls.get(op).incrementAndGet();
    Optional<Fault> first = Optional.empty();
    // Every matching rule counts the call, so a rule's "nth call" does not depend on other rules.
    for (Rule r : rules) {
      if (r.op == op && r.fires(path) && first.isEmpty()) {
        first = Optional.of(r.fault);
      }
    }
    first.ifPresent(f -> fired.incrementAndGet());
    return first;
  }

  private static void throwIfFail(Optional<Fault> f, Path path) throws IOException {
    if (f.isPresent() && f.get() instanceof Fault.Fail) {
      throw new IOException(path + ": " + ((Fault.Fail) f.get()).message());
    }
  }

  /**
   * Which of the calls that match a rule's path predicate fire: from the nth, {@code times} of
   * them.
   */
  public record Calls(int nth, int times) {
    public Calls {
      if (nth < 1 || times < 1) {
        throw new IllegalArgumentException("nth and times start at 1: " + nth + ", " + times);
      }
    }

    /** Every matching call. */
    public static Calls every() {
      return new Calls(1, Integer.MAX_VALUE);
    }

    /** Only the {@code nth} matching call (1-based). */
    public static Calls only(int nth) {
      return new Calls(nth, 1);
    }
  }

  /** What a rule does when it fires. */
  public sealed interface Fault {
    /**
     * Throws an IOException with this message instead of performing the call; for FSYNC_FILE the
     * data is written and the force is what fails.
     */
    record Fail(String message) implements Fault {}

    /**
     * The call takes effect, then its reply is lost: a rename throws NoSuchFileException, a link
     * throws FileAlreadyExistsException (an NFS retransmission after the first request succeeded).
     */
    record LostReply() implements Fault {}

    /** writeNew writes the first {@code afterBytes} bytes, then fails with ENOSPC. */
    record DiskFull(int afterBytes) implements Fault {
      public DiskFull {
        if (afterBytes < 0) {
          throw new IllegalArgumentException("after_bytes must be >= 0: " + afterBytes);
        }
      }
    }
  }

  private static final class Rule {
    private final Op op;
    private final Predicate<Path> where;
    private final Calls calls;
    private final Fault fault;
    private final AtomicInteger matched = new AtomicInteger();

    Rule(Op op, Predicate<Path> where, Calls calls, Fault fault) {
      this.op = op;
      this.where = where;
      this.calls = calls;
      this.fault = fault;
    }

    boolean fires(Path path) {
      if (!where.test(path)) {
        return false;
      }
      long n = matched.incrementAndGet();
      return n >= calls.nth() && n - calls.nth() < calls.times();
    }
  }

  /** Collects rules; {@link #build} makes an immutable, thread-safe instance. */
  public static final class Builder {
    private final FileOps delegate;
    private final List<Rule> rules = new ArrayList<>();

    private Builder(FileOps delegate) {
      this.delegate = delegate;
    }

    /** The general form; the methods below are the common cases. */
    public Builder rule(Op op, Predicate<Path> where, Calls calls, Fault fault) {
      boolean lost = fault instanceof Fault.LostReply;
      if (lost && op != Op.RENAME && op != Op.LINK) {
        throw new IllegalArgumentException("a lost reply applies to RENAME or LINK, not " + op);
      }
      if (fault instanceof Fault.DiskFull && op != Op.WRITE_NEW) {
        throw new IllegalArgumentException("a full disk applies to WRITE_NEW, not " + op);
      }
      rules.add(new Rule(op, where, calls, fault));
      return this;
    }

    /** Every matching rename or link takes effect and then reports failure. */
    public Builder lostReply(Op op, Predicate<Path> where) {
      return rule(op, where, Calls.every(), new Fault.LostReply());
    }

    /** Every matching call of {@code op} fails with an I/O error (for fsync: EIO). */
    public Builder fail(Op op, Predicate<Path> where) {
      return rule(op, where, Calls.every(), new Fault.Fail("Input/output error (injected)"));
    }

    /** The {@code nth} call of {@code op}, on any path, fails with an I/O error. */
    public Builder failNth(Op op, int nth) {
      return rule(op, anyPath(), Calls.only(nth), new Fault.Fail("Input/output error (injected)"));
    }

    /** Every matching writeNew writes {@code afterBytes} bytes and then finds the disk full. */
    public Builder diskFull(Predicate<Path> where, int afterBytes) {
      return rule(Op.WRITE_NEW, where, Calls.every(), new Fault.DiskFull(afterBytes));
    }

    public FaultyFileOps build() {
      return new FaultyFileOps(delegate, rules);
    }
  }
}
