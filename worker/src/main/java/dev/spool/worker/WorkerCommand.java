package dev.spool.worker;

import dev.spool.worker.config.ConfigFile;
import dev.spool.worker.config.WorkerConfig;
import dev.spool.worker.exec.LaunchMechanism;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spool worker}: runs a worker daemon in the foreground until SIGTERM (or SIGINT), then
 * shuts it down gracefully and exits 0. Flags override the config file. Exit codes: 0 after a
 * graceful stop, 2 for an invalid config, 3 when the worker refuses to start (the message says
 * why).
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker daemon: claim tasks from the spool and run them.")
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--spool", paramLabel = "DIR", description = "The spool directory.")
  Path spool;

  @Option(names = "--id", paramLabel = "ID", description = "Worker id (default: host name + -1).")
  String id;

  @Option(names = "--slots", paramLabel = "N", description = "Tasks run at once (default: cores).")
  Integer slots;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--allow-argv",
      description = "Run raw argv tasks (code execution for anyone who can write the spool).")
  boolean allowArgv;

  @Option(names = "--no-watch", description = "Discover tasks by rescans only (no file events).")
  boolean noWatch;

  @Override
  public Integer call() throws InterruptedException {
    LaunchMechanism.prefer(); // first: before anything in this JVM starts a process
    PrintWriter err = spec.commandLine().getErr();
    WorkerConfig cfg;
    try {
      cfg = config();
    } catch (IllegalArgumentException | IOException e) {
      err.println("spool worker: invalid configuration: " + e.getMessage());
      return 2;
    }
    Worker worker = new Worker(cfg);
    try {
      worker.start();
    } catch (StartupException e) {
      err.println("spool worker: " + e.getMessage());
      return 3;
    }
    worker.installShutdownHook();
    exitZeroOnSigterm(worker);
    worker.awaitClosed();
    return 0;
  }

  WorkerConfig config() throws IOException {
    WorkerConfig.Builder b = WorkerConfig.builder(spool != null ? spool : Path.of("."));
    if (config != null) {
      ConfigFile.apply(config, b);
    }
    if (spool != null) {
      b.spool(spool);
    }
    if (id != null) {
      b.workerId(id);
    }
    if (slots != null) {
      b.slots(slots);
    }
    if (allowArgv) {
      b.allowArgv(true);
    }
    if (noWatch) {
      b.watch(false);
    }
    return b.build();
  }

  /**
   * A SIGTERM handler that shuts down and exits 0 (a shutdown hook alone would end with 143, which
   * systemd reports as a failure). Installed through reflection because {@code sun.misc.Signal} is
   * unsupported API; where it is missing the shutdown hook still drains, with the default status.
   */
  private static void exitZeroOnSigterm(Worker worker) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object term = signal.getConstructor(String.class).newInstance("TERM");
      Object h =
          Proxy.newProxyInstance(
              handler.getClassLoader(),
              new Class<?>[] {handler},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  Thread t =
                      new Thread(
                          () -> {
                            worker.close();
                            System.exit(0);
                          },
                          "spool-sigterm");
                  t.start();
                  return null;
                }
                return method.getName().equals("hashCode")
                    ? 0
                    : method.getName().equals("equals") ? proxy == args[0] : "sigterm-handler";
              });
      signal.getMethod("handle", signal, handler).invoke(null, term, h);
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException
        | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(WorkerCommand.class)
          .warn("sigterm_handler_unavailable consequence=exit status 143 after a drain", e);
    }
  }

  /** Runs {@code spool worker} as a program. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerCommand()).execute(args));
  }
}
