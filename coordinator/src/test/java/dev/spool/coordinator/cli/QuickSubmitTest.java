package dev.spool.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QuickSubmit} against picocli's {@code spool submit}: for every form it handles, the same
 * task file under the same name, the same output and exit code; for everything else it writes
 * nothing and hands the command to picocli.
 */
@Timeout(60)
class QuickSubmitTest {
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-11-21T12:00:00.123456789Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private int spools;

  private record Quick(OptionalInt exit, String out, String err) {}

  private Quick quick(Map<String, String> env, List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OptionalInt exit =
        QuickSubmit.run(
            args.toArray(new String[0]),
            clock,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Quick(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path newSpool() throws Exception {
    return SpoolLayout.create(tmp.resolve("s" + spools++), clock.instant()).root();
  }

  private static List<String> submit(Path spool, String... rest) {
    List<String> args = new ArrayList<>(List.of("submit", "--spool", spool.toString()));
    args.addAll(List.of(rest));
    return args;
  }

  /**
   * Every task entry, name to content, with {@code id} replaced by "ID". Task files are compared as
   * text within one JVM: env and labels are written in the order of {@code Map.copyOf}, which
   * differs between JVM runs but not between two tasks of one run.
   */
  private static Map<String, String> entries(Path spool, String id) throws Exception {
    SpoolLayout layout = new SpoolLayout(spool);
    Map<String, String> found = new TreeMap<>();
    for (TaskState s : TaskState.values()) {
      try (Stream<Path> files = Files.list(layout.dir(s))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          found.put(
              s.dirName() + "/" + f.getFileName().toString().replace(id, "ID"),
              text.replace(id, "ID"));
        }
      }
    }
    try (Stream<Path> left = Files.list(layout.tmp())) {
      assertEquals(0, left.count(), "a temp file was left in tmp/");
    }
    return found;
  }

  /** Submits {@code rest} both ways on two fresh spools and compares everything. */
  private void assertSameAsPicocli(String... rest) throws Exception {
    Path q = newSpool();
    Path p = newSpool();
    Quick fast = quick(Map.of(), submit(q, rest));
    CliRun slow = CliRun.run(clock, submit(p, rest).toArray(new String[0]));
    String what = String.join(" ", rest);
    assertEquals(OptionalInt.of(slow.exit()), fast.exit(), what + ": " + slow.err());
    assertEquals(0, slow.exit(), what + ": " + slow.err());
    assertEquals(slow.err(), fast.err(), what);
    // Generated ids differ in their random part; a given --id must come out unchanged.
    String fastId = fast.out().strip();
    String slowId = slow.out().strip();
    boolean generated = !slowId.equals(fastId);
    assertEquals(slow.out().replace(slowId, "ID"), fast.out().replace(fastId, "ID"), what);
    Map<String, String> fastFiles = entries(q, generated ? fastId : "\0");
    assertEquals(entries(p, generated ? slowId : "\0"), fastFiles, what);
    assertEquals(1, fastFiles.size(), what);
  }

  @Test
  void generatedIdsLookTheSameAndTheTaskIsTheSame() throws Exception {
    assertSameAsPicocli("--", "true");
    Quick q = quick(Map.of(), submit(newSpool(), "--", "true"));
    assertTrue(q.out().matches("t-20261121-120000-[0-9a-z]{8}\n"), q.out());
  }

  @Test
  void everyOptionItReadsGivesTheSameTaskFile() throws Exception {
    assertSameAsPicocli("--id", "a", "--", "echo", "h\u00e9 \"q\"", "--", "x y", "");
    assertSameAsPicocli(
        "--id=b",
        "--priority",
        "7",
        "--type",
        "build",
        "--lane",
        "gpu-l",
        "--model",
        "m",
        "--timeout",
        "1.5",
        "--idle-timeout=10s",
        "--queue-timeout",
        "5m",
        "--max-retries",
        "0",
        "--group",
        "g",
        "--",
        "make");
    assertSameAsPicocli(
        "--id",
        "f",
        "--label",
        "a=b",
        "--label",
        "z=1",
        "--label",
        "a=c",
        "--env",
        "A=",
        "--env",
        "B=x=y",
        "--env",
        "C=\"q\"",
        "--requires",
        "gpu",
        "--requires",
        "big",
        "--prefers",
        "fast",
        "--",
        "true");
    assertSameAsPicocli("--id", "g", "--priority", "010", "--max-retries=+5", "--", "true");
    assertSameAsPicocli("--id", "h", "--model=", "--timeout", "P1D", "--", "true");
    assertSameAsPicocli("--type", "review", "--");
  }

  @Test
  void dependenciesAndDelaysGoWherePicocliPutsThem() throws Exception {
    assertSameAsPicocli("--id", "c", "--after", "a:any", "--after", "b", "--", "true");
    assertSameAsPicocli("--id", "d", "--not-before", "+1h", "--", "true");
    assertSameAsPicocli("--id", "e", "--not-before", "2030-01-01T00:00:00Z", "--", "true");
    assertSameAsPicocli("--id", "e", "--not-before", "2020-01-01T00:00:00Z", "--", "true");
  }

  @Test
  void spoolDirFromTheEnvironment() throws Exception {
    Path q = newSpool();
    Quick fast =
        quick(Map.of("SPOOL_DIR", q.toString()), List.of("submit", "--id", "s", "--", "x"));
    assertEquals(OptionalInt.of(0), fast.exit());
    assertEquals("s\n", fast.out());
    assertEquals(1, entries(q, "s").size());
  }

  @Test
  void everythingElseFallsThroughWithoutWritingAnything() throws Exception {
    Path spool = newSpool();
    Files.writeString(tmp.resolve("argfile"), "hello world");
    String at = "@" + tmp.resolve("argfile");
    CliRun.run(clock, submit(spool, "--id", "taken", "--", "true").toArray(new String[0]));
    Map<String, String> before = entries(spool, "taken");
    List<List<String>> cases =
        List.of(
            List.of("--file", "batch.json"),
            List.of("--key", "k", "--", "true"),
            List.of("--stdin", "x", "--", "cat"),
            List.of("--prompt", "hi", "--", "true"),
            List.of("--fanout", "a,b", "--", "true"),
            List.of("--continue", "t", "--", "true"),
            List.of("--schema", "s.json", "--", "true"),
            List.of("--json", "--", "true"),
            List.of("--help"),
            List.of("-h", "--", "true"),
            List.of("--bogus", "x", "--", "true"),
            List.of("true"),
            List.of("--id", "x", "true"),
            List.of("--id", "x", "true", "--", "y"),
            List.of("--", at),
            List.of(at, "--", "x"),
            List.of("--id", "x", "--id", "y", "--", "true"),
            List.of("--priority", "0x10", "--", "true"),
            List.of("--priority", "5000", "--", "true"),
            List.of("--priority", "-1", "--", "true"),
            List.of("--timeout", "soon", "--", "true"),
            List.of("--timeout", "0", "--", "true"),
            List.of("--not-before", "tomorrow", "--", "true"),
            List.of("--not-before", "+x", "--", "true"),
            List.of("--label", "noequals", "--", "true"),
            List.of("--label", "Bad Key=v", "--", "true"),
            List.of("--env", "=v", "--", "true"),
            List.of("--id", "-x", "--", "true"),
            List.of("--id", "a/b", "--", "true"),
            List.of("--id", "taken", "--", "true"),
            List.of("--id", "self", "--after", "self", "--", "true"),
            List.of("--after", "a:sometimes", "--", "true"),
            List.of("--", ""),
            List.of("--"),
            List.of("--id"));
    for (List<String> c : cases) {
      Quick q = quick(Map.of(), submit(spool, c.toArray(new String[0])));
      assertEquals(OptionalInt.empty(), q.exit(), "should fall through: " + c);
      assertEquals("", q.out() + q.err(), c.toString());
      assertEquals(before, entries(spool, "taken"), "wrote something: " + c);
    }
  }

  @Test
  void noSpoolOrABrokenOneFallsThrough() throws Exception {
    assertEquals(OptionalInt.empty(), quick(Map.of(), List.of("submit", "--", "true")).exit());
    assertEquals(
        OptionalInt.empty(), quick(Map.of("SPOOL_DIR", ""), List.of("submit", "--", "x")).exit());
    Path missing = tmp.resolve("missing");
    assertEquals(OptionalInt.empty(), quick(Map.of(), submit(missing, "--", "true")).exit());
    Path odd = newSpool();
    Files.writeString(
        odd.resolve(SpoolLayout.META_FILE), "{\"format\":\"spool\",\"version\":\"9.0\"}");
    assertEquals(OptionalInt.empty(), quick(Map.of(), submit(odd, "--", "true")).exit());
    assertEquals(
        OptionalInt.empty(), quick(Map.of(), List.of("status", "--spool", odd.toString())).exit());
  }

  @Test
  void badInputGivesPicocliExitCodes() throws Exception {
    Path spool = newSpool();
    for (String[] c :
        new String[][] {
          {"--priority", "5000", "--", "true"}, {"--bogus", "--", "true"}, {"--", ""},
        }) {
      assertEquals(OptionalInt.empty(), quick(Map.of(), submit(spool, c)).exit());
      assertEquals(2, CliRun.run(clock, submit(spool, c).toArray(new String[0])).exit());
    }
  }
}
