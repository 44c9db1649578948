package dev.spool.protocol.spool;

import dev.spool.protocol.fs.AtomicFiles;
import dev.spool.protocol.fs.FileOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A real spool in a temp dir with a settable clock and ticker, for intake tests. */
final class IntakeFixture {
  static final Instant START = Instant.parse("2026-11-21T17:46:00Z");

  final SpoolLayout layout;
  final SettableClock clock = new SettableClock(START);
  final AtomicLong nanos = new AtomicLong(5_000_000_000L);

  IntakeFixture(Path dir) throws Exception {
    layout = SpoolLayout.create(dir.resolve("spool"), START);
  }

  /** An intake over the real file system without fsync (durability is not under test here). */
  PendingIntake intake() {
    return intake(FileOps.real());
  }

  PendingIntake intake(FileOps ops) {
    return new PendingIntake(
        layout, new AtomicFiles(ops, layout.tmp(), false), clock, nanos::get, "test intake");
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    clock.now = clock.now.plus(d);
  }

  Path pending() {
    return layout.dir(TaskState.PENDING);
  }

  Path quarantine() {
    return layout.quarantine();
  }

  Path write(String name, byte[] bytes) throws IOException {
    return Files.write(pending().resolve(name), bytes);
  }

  Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A pending grammar name for {@code id}; {@code n} makes names of one id distinct. */
  static String grammarName(String id, int n) {
    return new TaskName.Pending(500, 1_700_000_000_000L + n, id, 1).fileName();
  }

  /** The names in {@code dir}, sorted; links are listed, not followed. */
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = new ArrayList<>();
      s.forEach(p -> names.add(p.getFileName().toString()));
      names.sort(null);
      return names;
    }
  }

  /** The text of every regular file under {@code dir}, never following a link. */
  static List<String> regularFileTexts(Path dir) throws IOException {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          texts.add(Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return texts;
  }

  static String readReason(Path quarantined) throws IOException {
    return Files.readString(
        quarantined.resolveSibling(quarantined.getFileName() + ".reason"), StandardCharsets.UTF_8);
  }

  /** A clock the test moves by hand. */
  static final class SettableClock extends Clock {
    volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the intake only uses UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
