package dev.spool.worker.exec;

import java.util.Locale;
import java.util.Optional;

/**
 * Chooses how the JDK starts the worker's task processes ({@code
 * jdk.lang.Process.launchMechanism}). The JDK reads the property once, when the first process of
 * the JVM starts, so {@link #prefer} must run before that: the worker calls it first thing on
 * start. An explicit {@code -Djdk.lang.Process.launchMechanism=...} always wins.
 *
 * <p>On Linux the worker prefers {@code VFORK}: measured on 2 cores with 4 threads launching {@code
 * true} the way a slot does, VFORK started about 1,400 processes/s, the default POSIX_SPAWN (which
 * execs {@code jspawnhelper} first and then the task, two execs per task) about 850/s, and FORK
 * about 60/s (it copies the page tables of the whole JVM).
 *
 * <p>Why VFORK is safe here. The JDK's own notes (ProcessImpl_md.c) name two dangers of vfork: code
 * in the child before exec that writes memory it shares with the parent, and signals delivered to
 * the child before exec. The JDK's child code (childproc.c) works only on buffers prepared natively
 * before the vfork (argv, envp, the PATH split, the fds), calls no malloc and touches no Java heap;
 * it dup2s the pipe fds, closes the rest, chdirs and execs (or writes errno into the fail pipe and
 * _exits). That code was the default on Linux from JDK 7 to JDK 11, and JDK 17 still supports it
 * there. The worker being multi-threaded does not matter: Linux suspends only the calling thread
 * during vfork; the other threads go on, and the child touches nothing they use, since the calling
 * thread is in native code and holds no Java lock. The signal window is the few microseconds before
 * exec, and nothing in Spool signals a pid it has not seen start.
 *
 * <p>JDK 25 deprecates VFORK "for being dangerous" (JDK-8357179, a warning on stderr) and a later
 * JDK removes it, so from JDK 25 on, and on any OS but Linux, the JDK default stays. An operator
 * who prefers the default on JDK 17 to 24 sets {@code -Djdk.lang.Process.launchMechanism=
 * POSIX_SPAWN} in the daemon's JVM options.
 */
public final class LaunchMechanism {
  static final String PROPERTY = "jdk.lang.Process.launchMechanism";
  static final String PREFERRED = "VFORK";
  private static final int LAST_JDK_WITH_SUPPORTED_VFORK = 24;

  private LaunchMechanism() {}

  /**
   * Sets the property to VFORK where that is supported and nothing set it yet; returns the
   * mechanism in effect by property (empty: the JDK default). Thread-safe; idempotent.
   */
  public static synchronized Optional<String> prefer() {
    String set = System.getProperty(PROPERTY);
    if (set != null) {
      return Optional.of(set);
    }
    if (!supported(System.getProperty("os.name", ""), Runtime.version().feature())) {
      return Optional.empty();
    }
    System.setProperty(PROPERTY, PREFERRED);
    return Optional.of(PREFERRED);
  }

  static boolean supported(String osName, int jdkFeature) {
    return osName.toLowerCase(Locale.ROOT).startsWith("linux")
        && jdkFeature <= LAST_JDK_WITH_SUPPORTED_VFORK;
  }
}
