package dev.spool.protocol.lanes;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * A mark on one lane account, kept in {@code state/lanes/<lane>/<account>.cooldown} (with {@code
 * until}: the account is not used before then) or {@code .disabled} (no {@code until}: not used
 * until an operator clears it). {@code reason} is the last error as the CLI reported it, cut to 400
 * characters; it never carries credentials (they live only in the worker's env files).
 */
public record LaneMark(
    String lane,
    String account,
    Instant until,
    String classification,
    String reason,
    Instant at,
    String by) {
  public LaneMark {
    Require.nonNull(lane, "lane");
    Require.nonNull(account, "account");
    Require.nonNull(at, "at");
    if (classification != null) {
      Require.name(classification, "classification");
    }
    if (reason != null && reason.length() > 400) {
      reason = reason.substring(0, 400);
    }
    if (until != null && until.isBefore(at.minusSeconds(1))) {
      throw new FieldException("until", "is before at");
    }
  }
}
