package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.BadTaskCorpus.BadCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad task file of {@link BadTaskCorpus} is quarantined with a reason that names what is
 * wrong (and the field, where one is to blame), under a grammar name and under a hand-dropped name,
 * and nothing is lost.
 */
@Timeout(60)
class PendingIntakeCorpusTest {
  /** One spool for the per-case tests (a spool per case costs more than the case). */
  @TempDir static Path shared;

  private static IntakeFixture sharedSpool;
  private static final AtomicInteger nextName = new AtomicInteger();

  @TempDir Path dir;

  @BeforeAll
  static void createSharedSpool() throws Exception {
    sharedSpool = new IntakeFixture(shared);
  }

  static Stream<BadCase> allCases() {
    return BadTaskCorpus.all().stream();
  }

  static Stream<BadCase> handDroppableCases() {
    return allCases().filter(c -> !c.grammarOnly());
  }

  @Test
  void corpusCoversEnoughAndEveryResourceFileIsListed() throws IOException {
    List<BadCase> resources = BadTaskCorpus.fromResources();
    assertTrue(resources.size() >= 40, "resource corpus has " + resources.size() + " files");
    Set<String> listed = new HashSet<>();
    resources.forEach(c -> listed.add(c.label()));
    for (String name : IntakeFixture.names(BadTaskCorpus.resourceDir())) {
      assertTrue(
          name.equals("expected.tsv") || listed.contains(name), name + " has no expectation");
    }
    assertEquals(BadTaskCorpus.VALID_TASK.length, BadTaskCorpus.truncations().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void quarantinedUnderGrammarName(BadCase c) throws Exception {
    IntakeFixture fx = sharedSpool;
    Path entry =
        fx.pending().resolve(IntakeFixture.grammarName("bad-task", nextName.incrementAndGet()));
    c.content().writeTo(entry);
    byte[] before = contentIfSmall(entry);

    IntakeResult r = fx.intake().intake(entry);

    assertQuarantined(c, r, before);
    assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "moved out of pending/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("handDroppableCases")
  void quarantinedUnderHandDroppedNameOnceSettled(BadCase c) throws Exception {
    IntakeFixture fx = sharedSpool;
    PendingIntake intake = fx.intake();
    Path entry = fx.pending().resolve("mytask-" + nextName.incrementAndGet() + ".json");
    c.content().writeTo(entry);
    byte[] before = contentIfSmall(entry);

    IntakeResult r = intake.intake(entry);
    if (!c.unsafe()) {
      assertInstanceOf(IntakeResult.Unsettled.class, r, "first look");
      fx.advance(PendingIntake.DEFAULT_SETTLE);
      r = intake.intake(entry);
    }

    assertQuarantined(c, r, before);
    assertTrue(
        ((IntakeResult.Quarantined) r).reason().startsWith("pending/"),
        ((IntakeResult.Quarantined) r).reason());
    assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "moved out of pending/");
  }

  @Test
  void utf8ByteOrderMarkIsAccepted() throws Exception {
    IntakeFixture fx = new IntakeFixture(dir);
    Path entry = fx.write(IntakeFixture.grammarName("bad-task", 0), withBom());

    IntakeResult r = fx.intake().intake(entry);

    IntakeResult.Accepted a = assertInstanceOf(IntakeResult.Accepted.class, r);
    assertEquals("bad-task", a.task().id());
    assertEquals(7, a.task().priority());
    assertTrue(Files.exists(entry), "an accepted task stays where it is");
  }

  /**
   * All cases at once in one spool, under grammar and hand-dropped names, plus a BOM file under
   * each: after the scans every input is either in quarantine/ with its reason file or accepted in
   * pending/.
   */
  @Test
  void nothingIsLostWhenAllCasesShareOneSpool() throws Exception {
    IntakeFixture fx = new IntakeFixture(dir);
    PendingIntake intake = fx.intake();
    List<BadCase> cases = BadTaskCorpus.all();
    for (int i = 0; i < cases.size(); i++) {
      cases
          .get(i)
          .content()
          .writeTo(fx.pending().resolve(IntakeFixture.grammarName("bad-task", i)));
      if (!cases.get(i).grammarOnly()) {
        cases.get(i).content().writeTo(fx.pending().resolve(String.format("hand-%03d.json", i)));
      }
    }
    fx.write(IntakeFixture.grammarName("bad-task", cases.size()), withBom());
    fx.write("bom-by-hand.json", withBom());
    int inputs = IntakeFixture.names(fx.pending()).size();

    List<IntakeResult> results = new ArrayList<>();
    for (int scan = 0; scan < 3; scan++) {
      results.clear();
      for (String name : IntakeFixture.names(fx.pending())) {
        results.add(intake.intake(fx.pending().resolve(name)));
      }
      fx.advance(PendingIntake.DEFAULT_SETTLE);
    }

    results.forEach(r -> assertInstanceOf(IntakeResult.Accepted.class, r, "last scan"));
    assertEquals(2, results.size(), "the two BOM files are accepted: " + results);
    List<String> quarantined = IntakeFixture.names(fx.quarantine());
    List<String> entries = new ArrayList<>();
    for (String name : quarantined) {
      if (!name.endsWith(".reason")) {
        entries.add(name);
        assertTrue(quarantined.contains(name + ".reason"), name + " has no reason file");
      }
    }
    assertEquals(entries.size() * 2, quarantined.size(), "every reason file has its entry");
    assertEquals(inputs, entries.size() + IntakeFixture.names(fx.pending()).size());
    assertEquals(List.of(), IntakeFixture.names(fx.layout.tmp()), "no staging debris");
  }

  private static void assertQuarantined(BadCase c, IntakeResult r, byte[] before)
      throws IOException {
    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().contains(c.fragment()), "reason lacks [" + c.fragment() + "]: " + q);
    assertTrue(q.reason().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f), "not printable: " + q);
    if (c.field() == null) {
      assertFalse(q.reason().contains(": field '"), "no single field is to blame: " + q);
    } else if (!c.field().equals(BadTaskCorpus.ANY_FIELD)) {
      assertTrue(q.reason().contains(": field '" + c.field() + "': "), "field not named: " + q);
    }
    assertTrue(q.where().startsWith(q.where().getParent()), q.toString());
    assertEquals("quarantine", q.where().getParent().getFileName().toString());
    String reasonFile = IntakeFixture.readReason(q.where());
    assertTrue(reasonFile.contains(c.fragment()), reasonFile);
    if (before != null) {
      assertArrayEquals(before, Files.readAllBytes(q.where()), "quarantine keeps the bytes");
    }
  }

  private static byte[] contentIfSmall(Path entry) throws IOException {
    return Files.size(entry) <= 2 * 1024 * 1024 ? Files.readAllBytes(entry) : null;
  }

  private static byte[] withBom() {
    byte[] task = BadTaskCorpus.VALID_TASK;
    byte[] bom = new byte[task.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(task, 0, bom, 3, task.length);
    return bom;
  }
}
