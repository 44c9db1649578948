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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Request quotas enforced fleet-wide with no server: the requests of one account in one window are
 * slot files {@code state/quota/<lane>/<account>/<rule>~<window>/<n>}, n from 1 to the rule's
 * limit, each published with publish-if-absent (a hard link that fails when the name exists).
 * Taking slot n is therefore atomic across hosts: two workers racing for it both try the link and
 * exactly one wins; the loser tries n+1. When every slot of the window is taken the account is out
 * of quota until the window ends. No update can be lost because nothing is ever rewritten.
 *
 * <p>Windows are named from the taker's wall clock (see {@link QuotaRule}); hosts whose clocks
 * differ by d may count a request in neighbouring windows for d around a boundary. Windows older
 * than {@link #RETAIN} (and at least two window lengths) are removed by takers; a removal racing
 * with a late taker of an old window only loses a slot of a window that is over. Thread-safe.
 */
public final class QuotaSlots {
  /** How long finished windows are kept for {@code spool lanes} and audits. */
  public static final Duration RETAIN = Duration.ofMinutes(10);

  private final SpoolLayout layout;
  private final AtomicFiles files;

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
   * @return empty when some rule's window is full
   */
  public Optional<List<Path>> tryTake(
      String lane, String account, List<QuotaRule> rules, Instant now, String holder)
      throws IOException {
    List<Path> taken = new ArrayList<>();
    for (QuotaRule r : rules) {
      Optional<Path> slot = tryTake(lane, account, r, now, holder);
      if (slot.isEmpty()) {
        return Optional.empty();
      }
      taken.add(slot.get());
    }
    return Optional.of(taken);
  }

  Optional<Path> tryTake(String lane, String account, QuotaRule rule, Instant now, String holder)
      throws IOException {
    Path dir = window(lane, account, rule, now);
    Files.createDirectories(dir);
    int used = used(dir);
    byte[] body = (holder + " " + now + "\n").getBytes(StandardCharsets.UTF_8);
    for (int n = used + 1; n <= rule.requests(); n++) {
      Path slot = dir.resolve(Integer.toString(n));
      if (files.publishIfAbsent(slot, body)) {
        prune(lane, account, rule, now);
        return Optional.of(slot);
      }
    }
    return Optional.empty();
  }

  /** Requests counted in the window of {@code now}. */
  public int used(String lane, String account, QuotaRule rule, Instant now) throws IOException {
    return used(window(lane, account, rule, now));
  }

  /** The directory of the window of {@code now}. */
  public Path window(String lane, String account, QuotaRule rule, Instant now) {
    return layout.quotaDir(lane, account).resolve(rule.name() + "~" + rule.windowId(now));
  }

  private static int used(Path dir) throws IOException {
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

  /** Removes windows of {@code rule} that ended before the retention horizon. */
  void prune(String lane, String account, QuotaRule rule, Instant now) throws IOException {
    Duration keep = RETAIN;
    if (rule.window() != null && rule.window().multipliedBy(2).compareTo(keep) > 0) {
      keep = rule.window().multipliedBy(2);
    }
    Instant horizon = now.minus(keep);
    Path base = layout.quotaDir(lane, account);
    String current = rule.name() + "~" + rule.windowId(now);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(base, rule.name() + "~*")) {
      for (Path w : s) {
        String n = w.getFileName().toString();
        if (!n.equals(current) && ended(rule, n, horizon)) {
          deleteWindow(w);
        }
      }
    }
  }

  private static boolean ended(QuotaRule rule, String dirName, Instant horizon) {
    String id = dirName.substring(dirName.indexOf('~') + 1);
    if (rule.window() != null) {
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
