package dev.spool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from Linux /proc, in clock ticks of 10 ms: where a timed window's CPU went. A rate on a
 * shared 2-core machine moves with everything else running; how many CPU milliseconds each party
 * spends per task, and how much of the window the machine sat idle, says which party to make
 * cheaper and whether the run was bound by CPU or by waiting on the disk.
 */
final class CpuTimes {
  private static final double MS_PER_TICK = 10;

  private CpuTimes() {}

  /** The whole machine: busy (user, nice, system, irq, softirq, steal) and idle (idle, iowait). */
  record Machine(long busy, long idle) {
    static Machine now() throws IOException {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return new Machine(busy, Long.parseLong(f[4]) + Long.parseLong(f[5]));
    }

    /** Busy ms per task of the window from {@code before} to this, over {@code tasks}. */
    double busyMsPerTask(Machine before, long tasks) {
      return (busy - before.busy) * MS_PER_TICK / tasks;
    }

    /** The share of the window's CPU time that sat idle or waited on I/O. */
    double idleShare(Machine before) {
      long b = busy - before.busy;
      long i = idle - before.idle;
      return b + i == 0 ? 0 : (double) i / (b + i);
    }
  }

  /**
   * One process: its own time (every thread) and the time of the children it has waited for (a
   * worker's tasks).
   */
  record Proc(long self, long children) {
    static Proc of(long pid) throws IOException {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the command name: utime, stime, cutime, cstime are fields 14 to 17 (proc(5)).
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new Proc(
          Long.parseLong(f[11]) + Long.parseLong(f[12]),
          Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    static Proc ofThisJvm() throws IOException {
      return of(ProcessHandle.current().pid());
    }

    Proc plus(Proc o) {
      return new Proc(self + o.self, children + o.children);
    }

    double selfMsPerTask(Proc before, long tasks) {
      return (self - before.self) * MS_PER_TICK / tasks;
    }

    double childrenMsPerTask(Proc before, long tasks) {
      return (children - before.children) * MS_PER_TICK / tasks;
    }
  }
}
