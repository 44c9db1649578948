package dev.spool.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an {@code strace -f -y} log of one daemon for the publish discipline of PROTOCOL.md
 * (SQLite's and FoundationDB's kind of durability test, done on the real system calls):
 *
 * <ul>
 *   <li>every file renamed or linked from tmp/ into a spool directory was fsynced after its last
 *       write and before the rename or link ({@code unsynced_publish});
 *   <li>every rename or link into a spool directory is followed by an fsync of the target directory
 *       before the renaming thread's next rename or link ({@code unsynced_dir}); the fsync may come
 *       from any thread of the process, as directory fsyncs are group commits, but it must start
 *       after the rename (a call interrupted in strace's output is placed at its start, so an fsync
 *       that began while the rename was still running would be taken too); except a worker's claim
 *       (pending/ to claimed/), whose directory fsync the slot thread does before it launches the
 *       task: it must come, from any thread, before the attempt's result is published ({@code
 *       unsynced_claim}); and, in a worker's trace, a finishing move (claimed/ to any other state),
 *       whose directory fsync a background thread does after the slot moved on (the result record
 *       is durable first): it must come from some thread before the trace ends ({@code
 *       unsynced_finish});
 *   <li>no rename or link into a spool directory happens while a decision written to the WAL is not
 *       yet fsynced ({@code wal_not_synced}); the unforced "applied" markers are counted, not
 *       flagged (DecisionLog documents why they need no fsync).
 * </ul>
 *
 * Failed calls (a lost claim race, a taken result name) publish nothing and are not checked. A move
 * of an existing task file between state directories needs no data fsync (the data was durable
 * before), only the directory one.
 */
final class TraceAudit {
  /** How strace (-s 200) shows the op of a WAL record that marks a decision applied. */
  private static final String APPLIED_MARKER = "\\\"op\\\":\\\"applied\\\"";

  private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(.*)$");
  private static final Pattern FSYNC = Pattern.compile("^f(?:data)?sync\\(\\d+<([^>]*)>");
  private static final Pattern WRITE =
      Pattern.compile("^(?:write|writev|pwrite64)\\(\\d+<([^>]*)>");
  private static final Pattern RENAME =
      Pattern.compile(
          "^(rename|renameat|renameat2|link|linkat)\\((?:[^,]*, )?\"([^\"]*)\", (?:[^,]*, )?\"([^\"]*)\".*\\)\\s+= (-?\\d+)");

  /** What the audit counted and found. */
  record Result(
      int publishes,
      int moves,
      int dirFsyncs,
      int walWrites,
      int walUnforcedMarkers,
      List<String> violations) {}

  private TraceAudit() {}

  /** The audit of a coordinator's (or any non-worker's) trace. */
  static Result audit(Path trace, Path spool) throws IOException {
    return audit(trace, spool, false);
  }

  /**
   * @param worker true for a worker's trace: its finishing moves may be synced by another thread
   *     later
   */
  static Result audit(Path trace, Path spool, boolean worker) throws IOException {
    String root = spool.toString() + "/";
    String tmp = root + "tmp/";
    Map<String, Integer> lastWrite = new HashMap<>();
    Map<String, Integer> lastFsync = new HashMap<>();
    Map<String, String> awaitingDirSync = new HashMap<>(); // tid -> "dir|description"
    Map<String, String> unsyncedClaims = new HashMap<>(); // "ID~A" -> description
    Map<String, List<String>> unsyncedFinishes = new HashMap<>(); // dir -> descriptions
    List<String> v = new ArrayList<>();
    int walDirtySince = -1;
    String walDirtyPath = null;
    int publishes = 0;
    int moves = 0;
    int dirFsyncs = 0;
    int walWrites = 0;
    int unforcedMarkers = 0;
    List<String> lines = joinResumed(Files.readAllLines(trace));
    for (int i = 0; i < lines.size(); i++) {
      Matcher l = LINE.matcher(lines.get(i));
      if (!l.matches()) {
        continue;
      }
      String tid = l.group(1);
      String call = l.group(2);
      Matcher m;
      if ((m = WRITE.matcher(call)).find()) {
        String p = m.group(1);
        lastWrite.put(p, i);
        if (p.startsWith(root + "wal/") && p.endsWith(".wal")) {
          walWrites++;
          if (call.contains(APPLIED_MARKER)) {
            // DecisionLog writes "applied" markers unforced by design: losing one only makes
            // replay apply an idempotent decision once more. It announces no rename.
            unforcedMarkers++;
          } else if (walDirtySince < 0) {
            walDirtySince = i;
            walDirtyPath = p;
          }
        }
      } else if ((m = FSYNC.matcher(call)).find()) {
        String p = m.group(1);
        lastFsync.put(p, i);
        if (p.equals(walDirtyPath)) {
          walDirtySince = -1;
          walDirtyPath = null;
        }
        if (p.equals(root + "claimed") && !unsyncedClaims.isEmpty()) {
          unsyncedClaims.clear();
          dirFsyncs++;
        }
        if (unsyncedFinishes.remove(p) != null) {
          dirFsyncs++;
        }
        // Directory fsyncs are group commits (PROTOCOL.md section 9): an fsync of the directory
        // that any thread of the process starts after a rename covers it.
        if (awaitingDirSync.values().removeIf(w -> w.startsWith(p + "|"))) {
          dirFsyncs++;
        }
      } else if ((m = RENAME.matcher(call)).find()) {
        if (!m.group(4).equals("0")) {
          continue;
        }
        String src = m.group(2);
        String dst = m.group(3);
        if (!dst.startsWith(root) || dst.startsWith(tmp)) {
          continue;
        }
        String dir = dst.substring(0, dst.lastIndexOf('/'));
        String what =
            m.group(1) + " " + rel(src, root) + " -> " + rel(dst, root) + " (line " + (i + 1) + ")";
        String name = dst.substring(dst.lastIndexOf('/') + 1);
        if (dst.startsWith(root + "results/")) {
          String claim = unsyncedClaims.remove(name.replaceAll("\\.json$", ""));
          if (claim != null) {
            v.add("unsynced_claim: " + claim + " not fsynced before its result " + what);
          }
        }
        if (src.startsWith(root + "pending/") && dir.equals(root + "claimed")) {
          String[] f = name.split("~");
          unsyncedClaims.put(f[0] + "~" + f[1], what);
          moves++;
          continue;
        }
        if (worker && src.startsWith(root + "claimed/") && !dir.equals(root + "claimed")) {
          unsyncedFinishes.computeIfAbsent(dir, k -> new ArrayList<>()).add(what);
          moves++;
          continue;
        }
        String pending = awaitingDirSync.put(tid, dir + "|" + what);
        if (pending != null) {
          v.add(
              "unsynced_dir: "
                  + pending.substring(pending.indexOf('|') + 1)
                  + " not followed by an fsync of its directory before the next publish");
        }
        if (walDirtySince >= 0 && !dst.startsWith(root + "wal/")) {
          v.add(
              "wal_not_synced: "
                  + what
                  + " while the WAL write at line "
                  + (walDirtySince + 1)
                  + " was not fsynced");
        }
        if (src.startsWith(tmp)) {
          publishes++;
          Integer w = lastWrite.get(src);
          Integer f = lastFsync.get(src);
          if (w == null || f == null || f < w) {
            v.add(
                "unsynced_publish: "
                    + what
                    + " last write line "
                    + (w == null ? "none" : w + 1)
                    + ", fsync line "
                    + (f == null ? "none" : f + 1));
          }
        } else {
          moves++;
        }
      }
    }
    for (String claim : unsyncedClaims.values()) {
      v.add("unsynced_claim: " + claim + " never followed by an fsync of claimed/");
    }
    for (List<String> finishes : unsyncedFinishes.values()) {
      for (String f : finishes) {
        v.add("unsynced_finish: " + f + " never followed by an fsync of its directory");
      }
    }
    for (String pending : awaitingDirSync.values()) {
      v.add(
          "unsynced_dir: "
              + pending.substring(pending.indexOf('|') + 1)
              + " never followed by an fsync of its directory");
    }
    return new Result(publishes, moves, dirFsyncs, walWrites, unforcedMarkers, v);
  }

  private static String rel(String p, String root) {
    return p.startsWith(root) ? p.substring(root.length()) : p;
  }

  /**
   * strace splits a call another thread interrupts into {@code <unfinished ...>} and {@code <...
   * resumed>} lines; the call is put back together at its start, where the calling thread issued it
   * (a thread's own calls are sequential).
   */
  private static List<String> joinResumed(List<String> raw) {
    List<String> out = new ArrayList<>();
    Map<String, Integer> open = new HashMap<>();
    Pattern resumed = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. \\S+ resumed>(.*)$");
    for (String s : raw) {
      if (s.endsWith("<unfinished ...>")) {
        Matcher l = LINE.matcher(s);
        if (l.matches()) {
          open.put(l.group(1), out.size());
          out.add(s.substring(0, s.length() - "<unfinished ...>".length()).stripTrailing());
        }
        continue;
      }
      Matcher r = resumed.matcher(s);
      if (r.matches() && open.containsKey(r.group(1))) {
        int at = open.remove(r.group(1));
        out.set(at, out.get(at) + r.group(2));
        continue;
      }
      out.add(s);
    }
    return out;
  }
}
