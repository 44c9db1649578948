package dev.spool.protocol.lanes;

import dev.spool.protocol.Require;
import java.time.Instant;
import java.util.List;

/**
 * A lane account as a worker declares it to the fleet, {@code
 * state/lanes/<lane>/<account>.account}, replaced by every worker that has it at start-up. It lets
 * the coordinator and {@code spool lanes} know every lane and account without reading workers'
 * configs. No credentials: only names and limits.
 */
public record AccountEntry(
    String lane,
    String account,
    Boolean local,
    Long contextTokens,
    List<QuotaRule> quotas,
    String worker,
    Instant at) {
  public AccountEntry {
    Require.nonNull(lane, "lane");
    Require.nonNull(account, "account");
    local = local != null && local;
    quotas = quotas == null ? List.of() : List.copyOf(quotas);
  }
}
