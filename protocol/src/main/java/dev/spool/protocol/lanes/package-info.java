/**
 * AI-CLI lanes as the fleet shares them through the spool: the routing file ({@code
 * config/routing.yaml}), the classification codes of attempts, and the fleet-wide lane state under
 * {@code state/} (account registrations, cooldowns, disabled accounts, quota slots). No threads;
 * every write is a publish-if-absent or an atomic replace (PROTOCOL.md, section 18).
 */
package dev.spool.protocol.lanes;
