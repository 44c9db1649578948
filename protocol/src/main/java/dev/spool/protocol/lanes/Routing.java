package dev.spool.protocol.lanes;

import dev.spool.protocol.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's routing, read from {@code config/routing.yaml} by every worker and the coordinator
 * ({@link RoutingFile}): each task type maps to an ordered chain of lanes, preferred first. Rules:
 *
 * <ul>
 *   <li>a task's explicit {@code lane} wins over its type's chain (the chain is that one lane);
 *       else a task with a {@code model} listed under {@code models} runs on that model's lane
 *   <li>a {@code sovereign} chain only ever uses local lanes: a worker runs it only on lanes its
 *       own config marks {@code local: true} (even an explicit remote lane is refused); the
 *       coordinator counts a lane as local when the routing file or the lane's registrations say so
 *   <li>a task whose type has no chain and names no lane is not routed (it runs through the
 *       worker's plain {@code types} templates, if any)
 * </ul>
 *
 * @param types type to chain
 * @param lanes facts about lanes the coordinator needs (context window, local)
 * @param models model name to the lane that serves it
 * @param cooldown the cooldown of a rate-limited account when the CLI gave no retry-after
 * @param scoring how workers score the lanes of a chain
 */
public record Routing(
    Map<String, Chain> types,
    Map<String, LaneFacts> lanes,
    Map<String, String> models,
    Duration cooldown,
    Scoring scoring) {
  public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(60);
  public static final Routing NONE = new Routing(Map.of(), Map.of(), Map.of(), null, null);

  public Routing {
    types = Map.copyOf(types);
    lanes = Map.copyOf(lanes);
    models = Map.copyOf(models);
    cooldown = cooldown == null ? DEFAULT_COOLDOWN : cooldown;
    scoring = scoring == null ? Scoring.DEFAULT : scoring;
  }

  /**
   * Lane score weights (quota headroom, latency, context fit; relative), the score a lane of the
   * chain needs to be taken in chain order (0 to 100), and the latency that still scores full.
   */
  public record Scoring(
      int quota, int latency, int context, int threshold, Duration latencyTarget) {
    public static final Scoring DEFAULT = new Scoring(40, 30, 30, 50, Duration.ofSeconds(60));

    public Scoring {
      if (quota < 0 || latency < 0 || context < 0 || quota + latency + context == 0) {
        throw new IllegalArgumentException("scoring weights must be >= 0 and not all 0");
      }
      if (threshold < 0 || threshold > 100) {
        throw new IllegalArgumentException("scoring threshold must be 0 to 100");
      }
      if (latencyTarget == null || latencyTarget.toMillis() < 1) {
        throw new IllegalArgumentException("scoring latency_target must be positive");
      }
    }
  }

  /** An ordered chain of lanes; {@code sovereign} pins it to local lanes. */
  public record Chain(List<String> lanes, boolean sovereign) {
    public Chain {
      lanes = List.copyOf(lanes);
      if (lanes.isEmpty()) {
        throw new IllegalArgumentException("a chain needs at least one lane");
      }
    }
  }

  /** What the fleet knows about a lane without a worker's config. */
  public record LaneFacts(Long contextTokens, boolean local) {}

  /** The chain of {@code task}, or empty when it is not a routed task. */
  public Optional<Chain> chainFor(Task task) {
    Chain typed = task.type() == null ? null : types.get(task.type());
    boolean sovereign = typed != null && typed.sovereign();
    if (task.lane() != null) {
      return Optional.of(new Chain(List.of(task.lane()), sovereign));
    }
    if (task.model() != null && models.containsKey(task.model())) {
      return Optional.of(new Chain(List.of(models.get(task.model())), sovereign));
    }
    return Optional.ofNullable(typed);
  }

  /** True when the routing file declares {@code lane} local. */
  public boolean local(String lane) {
    LaneFacts f = lanes.get(lane);
    return f != null && f.local();
  }

  /** The lanes of {@code chain} after {@code lane} with a larger known context window. */
  public List<String> largerThan(Chain chain, String lane, long contextTokens) {
    List<String> out = new ArrayList<>();
    for (String l : chain.lanes()) {
      LaneFacts f = lanes.get(l);
      if (!Objects.equals(l, lane)
          && (f == null || f.contextTokens() == null || f.contextTokens() > contextTokens)) {
        out.add(l);
      }
    }
    return out;
  }
}
