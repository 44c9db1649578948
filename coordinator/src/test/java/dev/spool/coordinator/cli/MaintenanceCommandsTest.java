package dev.spool.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MaintenanceCommandsTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private String spool;
  private SpoolLayout layout;

  @BeforeEach
  void init() {
    spool = tmp.resolve("s").toString();
    CliRun.run(clock, "init", spool);
    layout = new SpoolLayout(Path.of(spool));
  }

  private CliRun run(String... args) {
    return CliRun.run(clock, args);
  }

  private static void age(Path p, long hours) throws Exception {
    Files.setLastModifiedTime(
        p, FileTime.fromMillis(System.currentTimeMillis() - hours * 3_600_000L));
  }

  @Test
  void fsckFindsAndRepairsWhatIsSafe() throws Exception {
    assertEquals(0, run("fsck", "--spool", spool).exit(), "a new spool is consistent");
    Path stale = layout.tmp().resolve(".task.json.123.abc.tmp");
    Files.writeString(stale, "{");
    age(stale, 2);
    Path fresh = layout.tmp().resolve(".other.tmp");
    Files.writeString(fresh, "{");
    Path junk = layout.dir(TaskState.DONE).resolve("notes.txt");
    Files.writeString(junk, "hello");
    run("submit", "--spool", spool, "--id", "c", "--", "true");
    new FakeWorker(layout).finish("c", 0, "");
    Files.move(
        layout.terminal(TaskState.DONE, "c"),
        layout.dir(TaskState.CLAIMED).resolve("c~1~gone~9.json"));

    CliRun check = run("fsck", "--spool", spool, "--json");
    assertEquals(1, check.exit());
    JsonNode j = SpoolJson.mapper().readTree(check.out());
    String all = j.get("findings").toString();
    assertTrue(
        all.contains("stale_temp_file")
            && all.contains("unknown_file")
            && all.contains("claim_of_dead_worker"),
        all);
    assertFalse(all.contains("other.tmp"), "a fresh temp file may be a write in progress");

    CliRun repair = run("fsck", "--spool", spool, "--repair");
    assertEquals(1, repair.exit(), "the dead claim needs a coordinator; the rest is repaired");
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(fresh));
    assertFalse(Files.exists(junk));
    try (Stream<Path> q = Files.list(layout.quarantine())) {
      assertEquals(2, q.count(), "the unknown file and its reason");
    }
  }

  @Test
  void purgeRemovesOldFinishedTasksWithTheirHistory() throws Exception {
    FakeWorker w = new FakeWorker(layout);
    for (String id : new String[] {"old", "new"}) {
      run("submit", "--spool", spool, "--id", id, "--", "true");
      w.finish(id, 0, "out");
    }
    age(layout.terminal(TaskState.DONE, "old"), 48);
    CliRun r = run("purge", "--spool", spool, "--older-than", "1d");
    assertEquals(0, r.exit(), r.err());
    assertEquals("removed 1 task(s)\n", r.out());
    assertFalse(Files.exists(layout.terminal(TaskState.DONE, "old")));
    assertFalse(Files.exists(layout.result("old", 1)));
    assertFalse(Files.exists(layout.stdoutLog("old", 1)));
    assertTrue(Files.exists(layout.terminal(TaskState.DONE, "new")));
    assertTrue(Files.exists(layout.result("new", 1)));
    assertEquals(0, run("fsck", "--spool", spool).exit(), "no orphan results are left");
  }

  @Test
  void fsckNamesACorruptWalRecordAndAReservationWithoutItsTask() throws Exception {
    String good =
        "56 a3a8d283 {\"schema_version\":1,\"seq\":0,\"epoch\":1,\"op\":\"checkpoint\"}\n";
    Files.writeString(
        layout.wal().resolve("00000000000000000001.wal"),
        good + "12 00000000 {\"broken\":1}\n" + good);
    Files.createDirectories(layout.idempotencyDir());
    Files.writeString(
        layout.idempotencyRecord("k1"), "{\"key\":\"k1\",\"task_id\":\"never-published\"}");
    CliRun r = run("fsck", "--spool", spool, "--json");
    assertEquals(1, r.exit());
    JsonNode f = SpoolJson.mapper().readTree(r.out()).get("findings");
    String all = f.toString();
    assertTrue(all.contains("wal_corrupt") && all.contains("byte 69 (checksum mismatch)"), all);
    assertTrue(all.contains("reservation_without_task") && all.contains("never-published"), all);
  }

  @Test
  void purgeFreesTheIdempotencyKeyOfAPurgedTask() throws Exception {
    run("submit", "--spool", spool, "--id", "k", "--key", "nightly", "--", "true");
    new FakeWorker(layout).finish("k", 0, "");
    age(layout.terminal(TaskState.DONE, "k"), 48);
    assertTrue(Files.exists(layout.idempotencyRecord("nightly")));
    assertEquals(0, run("purge", "--spool", spool, "--older-than", "1d").exit());
    assertFalse(Files.exists(layout.idempotencyRecord("nightly")));
  }
}
