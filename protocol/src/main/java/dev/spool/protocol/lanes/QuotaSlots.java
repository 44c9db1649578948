package dev.spool.protocol.lanes;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Request quotas enforced fleet-wide with no server. Two kinds of rule:
 *
 * <ul>
 *   <li><b>Sliding</b> ({@link QuotaRule#window()} set: per minute, per day, explicit windows): the
 *       requests of one account are numbered files {@code state/quota/<lane>/<account>/<rule>~<W>s/
 *       <k>}, k = 1, 2, 3, ..., each holding {@code HOLDER INSTANT}. Request k may be taken only
 *       when k is at most the limit N or request k-N was taken at least W before it. A taker lists
 *       the directory, tries k = highest + 1 with publish-if-absent (a hard link that fails when
 *       the name exists) and, when another host won k, tries k+1 after reading k again. Each number
 *       has exactly one winner on any file system with an atomic {@code link} (local disks, NFS),
 *       files are never rewritten, so no update is lost; and the recorded instants never decrease
 *       with k on one clock (a taker records no earlier than request k-1, which it saw), so any N+1
 *       consecutive requests span at least W: no interval of length W holds more than N requests,
 *       wherever it starts.
 *   <li><b>Calendar month</b> ({@link QuotaRule#resetDay()}): slot files {@code 1..N} in the
 *       window's directory {@code <rule>~month-<yyyy-mm-dd>}, as providers reset monthly quotas on
 *       a calendar day.
 * </ul>
 *
 * <p>Instants come from the taker's wall clock: hosts whose clocks differ by d may let requests be
 * up to d closer than W. Files older than the window plus {@link #RETAIN} (and windows that ended
 * before it) are removed by takers; a taker whose listing is more than {@link #RETAIN} stale could
 * re-take a removed number, which Spool does not defend against. Recorded instants are cached in
 * memory (the files are immutable), and so is the highest number of each directory, advanced by
 * probing the next names. Thread-safe.
 */
public final class QuotaSlots {
  /** How long finished requests and windows are kept for {@code spool lanes} and audits. */
  public static final Duration RETAIN = Duration.ofMinutes(10);

  private static final int CACHE = 8192;
  private static final int RACE_LIMIT = 64;

  private final SpoolLayout layout;
  private final AtomicFiles files;
  private final Map<Path, Instant> taken =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Instant> e) {
          return size() > CACHE;
        }
      };

  private final Map<Path, Long> highest =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Long> e) {
          return size() > 1024;
        }
      };

  public QuotaSlots(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.files = files;
  }

  /**
   * Takes one slot of every rule for an attempt, or none: when a rule is full, slots already taken
   * for earlier rules stay taken (they count a request that did not happen, which errs on the safe
   * side).
   *
   * @param holder who takes it, written into the slot file ({@code task~attempt worker})
   * @return empty when some rule is full
   */
  public Optional<List<Path>> tryTake(
      String lane, String account, List<QuotaRule> rules, Instant now, String holder)
      throws IOException {
    List<Path> out = new ArrayList<>();
    for (QuotaRule r : rules) {
      Optional<Path> slot = tryTake(lane, account, r, now, holder);
      if (slot.isEmpty()) {
        return Optional.empty();
      }
      out.add(slot.get());
    }
    return Optional.of(out);
  }

  Optional<Path> tryTake(String lane, String account, QuotaRule rule, Instant now, String holder)
      throws IOException {
    Path dir = window(lane, account, rule, now);
    Files.createDirectories(dir);
    Optional<Path> slot =
        rule.window() != null
            ? takeSliding(dir, rule, now, holder)
            : takeFixed(dir, rule, now, holder);
    if (slot.isPresent()) {
      prune(lane, account, rule, now);
    }
    return slot;
  }

  private Optional<Path> takeFixed(Path dir, QuotaRule rule, Instant now, String holder)
      throws IOException {
    for (int n = count(dir) + 1; n <= rule.requests(); n++) {
      Path slot = dir.resolve(Integer.toString(n));
      if (files.publishIfAbsent(slot, body(holder, now))) {
        return Optional.of(slot);
      }
    }
    return Optional.empty();
  }

  private Optional<Path> takeSliding(Path dir, QuotaRule rule, Instant now, String holder)
      throws IOException {
    long k = highest(dir) + 1;
    for (int race = 0; race < RACE_LIMIT; race++, k++) {
      Instant at = now;
      Optional<Instant> previous =
          k > 1 ? instant(dir.resolve(Long.toString(k - 1))) : Optional.empty();
      if (previous.isPresent() && previous.get().isAfter(at)) {
        at = previous.get(); // never record an instant before the request this one follows
      }
      if (k > rule.requests()) {
        // A missing k-N was removed as older than the window plus RETAIN: it no longer counts.
        Optional<Instant> nBack = instant(dir.resolve(Long.toString(k - rule.requests())));
        if (nBack.isPresent() && at.isBefore(nBack.get().plus(rule.window()))) {
          return Optional.empty();
        }
      }
      Path slot = dir.resolve(Long.toString(k));
      if (files.publishIfAbsent(slot, body(holder, at))) {
        remember(slot, at);
        return Optional.of(slot);
      }
      // another taker won k (or our listing was stale): read k again as the predecessor of k+1
    }
    return Optional.empty();
  }

  /** Requests counted now: in the sliding window ending at {@code now}, or in the month of it. */
  public int used(String lane, String account, QuotaRule rule, Instant now) throws IOException {
    Path dir = window(lane, account, rule, now);
    if (rule.window() == null) {
      return count(dir);
    }
    return recent(dir, rule, now).used();
  }

  /**
   * When the account can next take a request under {@code rule}: {@code now} when a slot is free,
   * else when the oldest request counted in the sliding window leaves it (or the month ends).
   */
  public Instant freeAt(String lane, String account, QuotaRule rule, Instant now)
      throws IOException {
    Path dir = window(lane, account, rule, now);
    if (rule.window() == null) {
      return count(dir) >= rule.requests() ? rule.windowEnd(now) : now;
    }
    Recent r = recent(dir, rule, now);
    if (r.used() < rule.requests()) {
      return now;
    }
    Optional<Instant> oldest =
        instant(dir.resolve(Long.toString(r.highest() - rule.requests() + 1)));
    Instant end = oldest.orElse(now).plus(rule.window());
    return end.isAfter(now) ? end : now;
  }

  /** The directory that holds the requests of {@code rule} counted at {@code now}. */
  public Path window(String lane, String account, QuotaRule rule, Instant now) {
    String id = rule.window() != null ? rule.window().toSeconds() + "s" : rule.windowId(now);
    return layout.quotaDir(lane, account).resolve(rule.name() + "~" + id);
  }

  /** The highest request number and how many of the last N fall in {@code (now - W, now]}. */
  private record Recent(long highest, int used) {}

  /**
   * Counts by binary search over the last N numbers: instants never decrease with the number, so
   * the requests in the window are a suffix; O(log N) reads (cached), whatever N is. A number
   * missing among them (removed by hand) counts as old.
   */
  private Recent recent(Path dir, QuotaRule rule, Instant now) throws IOException {
    Instant from = now.minus(rule.window());
    long hi = highest(dir);
    long lo = Math.max(1, hi - rule.requests() + 1);
    long first = hi + 1;
    long a = lo;
    long b = hi;
    while (a <= b) {
      long mid = (a + b) >>> 1;
      Optional<Instant> at = instant(dir.resolve(Long.toString(mid)));
      if (at.isPresent() && at.get().isAfter(from)) {
        first = mid;
        b = mid - 1;
      } else {
        a = mid + 1;
      }
    }
    return new Recent(hi, (int) (hi - first + 1));
  }

  private static byte[] body(String holder, Instant at) {
    return (holder + " " + at + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private Optional<Instant> instant(Path slot) throws IOException {
    synchronized (taken) {
      Instant known = taken.get(slot);
      if (known != null) {
        return Optional.of(known);
      }
    }
    String text;
    try {
      text = Files.readString(slot, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    int space = text.lastIndexOf(' ');
    try {
      Instant at = Instant.parse(text.substring(space + 1));
      remember(slot, at);
      return Optional.of(at);
    } catch (DateTimeParseException e) {
      // not written by Spool (slot files are published whole): its time stands for the request
      Instant at = Files.getLastModifiedTime(slot).toInstant();
      remember(slot, at);
      return Optional.of(at);
    }
  }

  private void remember(Path slot, Instant at) {
    synchronized (taken) {
      taken.put(slot, at);
    }
  }

  /**
   * The highest request number in {@code dir}. Numbers are contiguous up to the highest (only the
   * oldest are ever removed), so after one listing a remembered hint is advanced by probing the
   * next names: one lookup per call while nothing changed, instead of a listing of up to N names.
   */
  private long highest(Path dir) throws IOException {
    Long hint;
    synchronized (highest) {
      hint = highest.get(dir);
    }
    long k;
    if (hint == null || (hint > 0 && !Files.exists(dir.resolve(Long.toString(hint))))) {
      k = list(dir); // first look, or the directory was removed or reset by hand
    } else {
      k = hint;
    }
    while (Files.exists(dir.resolve(Long.toString(k + 1)))) {
      k++;
    }
    synchronized (highest) {
      highest.put(dir, k);
    }
    return k;
  }

  private static long list(Path dir) throws IOException {
    long max = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.length() < 19 && n.chars().allMatch(Character::isDigit)) {
          max = Math.max(max, Long.parseLong(n));
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
    return max;
  }

  private static int count(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        n += p.getFileName().toString().startsWith(".") ? 0 : 1;
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
    return n;
  }

  /** Removes requests and windows of {@code rule} that ended before the retention horizon. */
  void prune(String lane, String account, QuotaRule rule, Instant now) throws IOException {
    Duration keep = RETAIN;
    if (rule.window() != null) {
      keep = keep.plus(rule.window());
    }
    Instant horizon = now.minus(keep);
    Path base = layout.quotaDir(lane, account);
    Path current = window(lane, account, rule, now);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(base, rule.name() + "~*")) {
      for (Path w : s) {
        if (!w.equals(current) && ended(rule, w.getFileName().toString(), horizon)) {
          deleteWindow(w);
        }
      }
    }
    if (rule.window() != null) {
      pruneSliding(current, rule, horizon);
    }
  }

  /** Removes requests older than the horizon, keeping the newest N (which takers read). */
  private void pruneSliding(Path dir, QuotaRule rule, Instant horizon) throws IOException {
    long k = highest(dir);
    if (k % rule.requests() != 0) {
      return; // look once every N requests: the directory holds at most about 2N + RETAIN's worth
    }
    for (long j = k - rule.requests(); j >= 1; j--) {
      Path p = dir.resolve(Long.toString(j));
      Optional<Instant> at = instant(p);
      if (at.isEmpty()) {
        break; // removed by an earlier pass, and everything below it too
      }
      if (at.get().isBefore(horizon)) {
        Files.deleteIfExists(p);
        synchronized (taken) {
          taken.remove(p);
        }
      }
    }
  }

  private static boolean ended(QuotaRule rule, String dirName, Instant horizon) {
    String id = dirName.substring(dirName.indexOf('~') + 1);
    if (rule.window() != null) {
      // windows of the fixed-window layout Spool used before sliding windows: <W>s-<index>
      String prefix = rule.window().toSeconds() + "s-";
      if (!id.startsWith(prefix)) {
        return false;
      }
      try {
        long index = Long.parseLong(id.substring(prefix.length()));
        return (index + 1) * rule.window().toMillis() < horizon.toEpochMilli();
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return id.startsWith("month-") && id.compareTo(rule.windowId(horizon)) < 0;
  }

  private static void deleteWindow(Path w) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(w)) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      return; // another taker pruned it first
    }
    try {
      Files.deleteIfExists(w);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // a late taker of this finished window linked a slot meanwhile; the next prune removes it
    }
  }
}
