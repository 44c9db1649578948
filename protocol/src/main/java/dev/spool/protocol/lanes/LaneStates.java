package dev.spool.protocol.lanes;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import java.io.IOException;
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
 * The fleet-wide state of lane accounts under {@code state/lanes/<lane>/}: registrations ({@code
 * .account}), cooldowns ({@code .cooldown}) and disabled accounts ({@code .disabled}).
 *
 * <p>Races: a cooldown is replaced atomically; two parties cooling the same account at once both
 * write whole files and the last rename wins. Writers keep the later {@code until} when they see
 * one, so an earlier cooldown replacing a later one needs two writers within one read-rename
 * window, and the lane then simply becomes usable earlier (a new rate-limit answer cools it again).
 * A disabled mark is published if absent: the first report is kept. A file that vanishes between
 * list and read (an operator's clear) reads as absent. Thread-safe (no state of its own).
 */
public final class LaneStates {
  static final String ACCOUNT = "account";
  static final String COOLDOWN = "cooldown";
  static final String DISABLED = "disabled";

  private final SpoolLayout layout;
  private final AtomicFiles files;

  public LaneStates(SpoolLayout layout, AtomicFiles files) {
    this.layout = layout;
    this.files = files;
  }

  /** Declares (or refreshes) an account of a lane. */
  public void register(AccountEntry entry) throws IOException {
    Path p = layout.laneAccountFile(entry.lane(), entry.account(), ACCOUNT);
    Files.createDirectories(p.getParent());
    files.replace(p, SpoolJson.writePretty(entry));
  }

  /**
   * Cools an account down until {@code mark.until()}; keeps an existing later cooldown.
   *
   * @return true if this mark was written
   */
  public boolean coolDown(LaneMark mark) throws IOException {
    Optional<LaneMark> old = cooldown(mark.lane(), mark.account());
    if (old.isPresent() && !old.get().until().isBefore(mark.until())) {
      return false;
    }
    Path p = layout.laneAccountFile(mark.lane(), mark.account(), COOLDOWN);
    Files.createDirectories(p.getParent());
    files.replace(p, SpoolJson.writePretty(mark));
    return true;
  }

  /**
   * Marks an account unusable until an operator clears it; the first mark is kept.
   *
   * @return true if this call disabled it
   */
  public boolean disable(LaneMark mark) throws IOException {
    Path p = layout.laneAccountFile(mark.lane(), mark.account(), DISABLED);
    Files.createDirectories(p.getParent());
    return files.publishIfAbsent(p, SpoolJson.writePretty(mark));
  }

  public Optional<LaneMark> cooldown(String lane, String account) throws IOException {
    return read(layout.laneAccountFile(lane, account, COOLDOWN), LaneMark.class);
  }

  public Optional<LaneMark> disabled(String lane, String account) throws IOException {
    return read(layout.laneAccountFile(lane, account, DISABLED), LaneMark.class);
  }

  /** True when the account may not be used at {@code now} (cooling down or disabled). */
  public boolean blocked(String lane, String account, Instant now) throws IOException {
    if (disabled(lane, account).isPresent()) {
      return true;
    }
    Optional<LaneMark> c = cooldown(lane, account);
    return c.isPresent() && c.get().until().isAfter(now);
  }

  /**
   * Removes the cooldown and disabled marks of one account, or of every account of the lane when
   * {@code account} is null.
   *
   * @return how many marks were removed
   */
  public int clear(String lane, String account) throws IOException {
    int n = 0;
    List<String> accounts = account != null ? List.of(account) : accountNames(lane);
    for (String a : accounts) {
      n += Files.deleteIfExists(layout.laneAccountFile(lane, a, COOLDOWN)) ? 1 : 0;
      n += Files.deleteIfExists(layout.laneAccountFile(lane, a, DISABLED)) ? 1 : 0;
    }
    return n;
  }

  /** The lanes that have state, sorted. */
  public List<String> lanes() throws IOException {
    return names(layout.laneStates(), null);
  }

  /** Every registered account, sorted by lane then account. */
  public List<AccountEntry> accounts() throws IOException {
    List<AccountEntry> out = new ArrayList<>();
    for (String lane : lanes()) {
      out.addAll(accounts(lane));
    }
    return out;
  }

  /** The registered accounts of one lane, sorted by name. */
  public List<AccountEntry> accounts(String lane) throws IOException {
    List<AccountEntry> out = new ArrayList<>();
    for (String a : accountNames(lane)) {
      read(layout.laneAccountFile(lane, a, ACCOUNT), AccountEntry.class).ifPresent(out::add);
    }
    return out;
  }

  /** The registration of one account, if a worker declared it. */
  public Optional<AccountEntry> account(String lane, String account) throws IOException {
    return read(layout.laneAccountFile(lane, account, ACCOUNT), AccountEntry.class);
  }

  /** Names of the accounts of a lane that have any state file (registered or marked). */
  public List<String> accountNames(String lane) throws IOException {
    return names(layout.laneState(lane), ".");
  }

  private static List<String> names(Path dir, String cutAt) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (n.startsWith(".")) {
          continue;
        }
        if (cutAt != null) {
          int i = n.lastIndexOf(cutAt);
          n = i > 0 ? n.substring(0, i) : n;
        }
        if (!out.contains(n)) {
          out.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  /** Observations older than this are left out of the fleet's view (a worker long gone). */
  public static final Duration OBSERVATION_MAX_AGE = Duration.ofHours(1);

  /** Records this worker's view of a lane (only this worker writes its file). */
  public void observe(LaneObservation o) throws IOException {
    Path p = layout.laneObservation(o.lane(), o.worker());
    Files.createDirectories(p.getParent());
    files.replace(p, SpoolJson.writePretty(o));
  }

  /** Every worker's observation of a lane, sorted by worker; unreadable files are left out. */
  public List<LaneObservation> observations(String lane) throws IOException {
    List<LaneObservation> out = new ArrayList<>();
    Path dir = layout.laneObservations(lane);
    List<Path> paths = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
      s.forEach(paths::add);
    } catch (NoSuchFileException e) {
      return out;
    }
    paths.sort(null);
    for (Path p : paths) {
      if (p.getFileName().toString().startsWith(".")) {
        continue;
      }
      try {
        read(p, LaneObservation.class).ifPresent(out::add);
      } catch (IOException e) {
        continue; // a damaged observation only loses one worker's latency sample
      }
    }
    return out;
  }

  /**
   * The fleet's moving average latency of a lane: the mean of the workers' averages written within
   * {@link #OBSERVATION_MAX_AGE} of {@code now}, each weighted by its samples (at most 20, so a
   * long-lived worker does not outweigh recent ones forever); empty before any.
   */
  public static Optional<Duration> fleetLatency(List<LaneObservation> observations, Instant now) {
    double sum = 0;
    double weight = 0;
    for (LaneObservation o : observations) {
      if (o.latency() == null
          || o.samples() == 0
          || o.at().isBefore(now.minus(OBSERVATION_MAX_AGE))) {
        continue;
      }
      double w = Math.min(o.samples(), 20);
      sum += o.latency().toMillis() * w;
      weight += w;
    }
    return weight == 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(Math.round(sum / weight)));
  }

  private <T> Optional<T> read(Path p, Class<T> type) throws IOException {
    try {
      byte[] bytes = SafeFiles.readBounded(p, SpoolJson.MAX_DOCUMENT_BYTES);
      return Optional.of(SpoolJson.read(layout.relative(p), bytes, type));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidInputException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
