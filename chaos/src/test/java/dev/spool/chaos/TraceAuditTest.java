package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit's rules on hand-written strace lines, so each rule is shown able to fail. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TraceAuditTest {
  @TempDir Path tmp;

  private List<String> audit(String... lines) throws Exception {
    Path trace = tmp.resolve("trace");
    Files.write(trace, List.of(lines));
    return TraceAudit.audit(trace, Path.of("/s")).violations();
  }

  private static String claim(String tid) {
    return tid + " rename(\"/s/pending/499~1~t1~1.json\", \"/s/claimed/t1~1~w~1.json\") = 0";
  }

  private static final String RESULT_WRITE = "11 write(7</s/tmp/.r>, \"{}\", 2) = 2";
  private static final String RESULT_FSYNC = "11 fsync(7</s/tmp/.r>) = 0";
  private static final String RESULT_LINK = "11 link(\"/s/tmp/.r\", \"/s/results/t1~1.json\") = 0";
  private static final String RESULTS_DIR_FSYNC = "11 fsync(8</s/results>) = 0";

  @Test
  void aClaimSyncedByTheSlotThreadBeforeItsResultPasses() throws Exception {
    assertEquals(
        List.of(),
        audit(
            claim("10"),
            "11 fsync(9</s/claimed>) = 0",
            RESULT_WRITE,
            RESULT_FSYNC,
            RESULT_LINK,
            RESULTS_DIR_FSYNC));
  }

  @Test
  void aResultPublishedBeforeItsClaimIsDurableIsFlagged() throws Exception {
    List<String> v = audit(claim("10"), RESULT_WRITE, RESULT_FSYNC, RESULT_LINK, RESULTS_DIR_FSYNC);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("unsynced_claim:"), v.toString());
  }

  @Test
  void aClaimNeverSyncedIsFlagged() throws Exception {
    List<String> v = audit(claim("10"));
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).contains("never followed by an fsync of claimed/"), v.toString());
  }

  @Test
  void anOrdinaryMoveStillNeedsItsThreadsDirectoryFsync() throws Exception {
    List<String> v =
        audit(
            "12 rename(\"/s/claimed/t1~1~w~1.json\", \"/s/done/t1.json\") = 0",
            "12 rename(\"/s/claimed/t2~1~w~1.json\", \"/s/done/t2.json\") = 0",
            "12 fsync(9</s/done>) = 0");
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("unsynced_dir:"), v.toString());
  }

  private List<String> auditWorker(String... lines) throws Exception {
    Path trace = tmp.resolve("worker-trace");
    Files.write(trace, List.of(lines));
    return TraceAudit.audit(trace, Path.of("/s"), true).violations();
  }

  private static final String FINISH =
      "11 rename(\"/s/claimed/t1~1~w~1.json\", \"/s/done/t1.json\") = 0";

  @Test
  void aWorkersFinishSyncedLaterByAnotherThreadPasses() throws Exception {
    assertEquals(
        List.of(),
        auditWorker(
            FINISH,
            "11 rename(\"/s/claimed/t2~1~w~1.json\", \"/s/done/t2.json\") = 0",
            "12 fsync(9</s/done>) = 0"));
  }

  @Test
  void aWorkersFinishNeverSyncedIsFlagged() throws Exception {
    List<String> v = auditWorker(FINISH, "12 fsync(9</s/claimed>) = 0");
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("unsynced_finish:"), v.get(0));
  }

  @Test
  void outsideAWorkerAMoveIsCoveredByAnotherThreadsFsyncThatFollowsIt() throws Exception {
    // Group commits: the moving thread waits for a round another thread runs.
    assertEquals(List.of(), audit(FINISH, "12 fsync(9</s/done>) = 0"));
  }

  @Test
  void anotherThreadsFsyncBeforeTheMoveDoesNotCoverIt() throws Exception {
    List<String> v =
        audit(
            "12 fsync(9</s/done>) = 0",
            FINISH,
            "11 rename(\"/s/claimed/t2~1~w~1.json\", \"/s/failed/t2~1.json\") = 0",
            "11 fsync(9</s/failed>) = 0");
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("unsynced_dir:"), v.get(0));
    assertTrue(v.get(0).contains("done/t1.json"), v.get(0));
  }
}
