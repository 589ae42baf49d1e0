import { Counter, Gauge, Registry } from "prom-client";
import { batchedCounter, HotHistogram } from "./hot-metrics.ts";

/**
 * Prometheus metrics, one set per process, built by the composition root (no module-level
 * registry, so tests can build their own). Label values are closed lists (reasons, verdicts,
 * commands) or account system_ids, never phone numbers or text.
 */
export function createMetrics() {
  const registry = new Registry();
  const binds = new Gauge({ name: "gatekeeper_smpp_binds", help: "Current SMPP binds from SPs", labelNames: ["mode"], registers: [registry] });
  const bindAttempts = new Counter({ name: "gatekeeper_smpp_bind_attempts_total", help: "Bind attempts by outcome", labelNames: ["outcome"], registers: [registry] });
  const bindRefusalsCoalesced = new Counter({
    name: "gatekeeper_smpp_bind_refusals_coalesced_total",
    help: "Refused binds not journaled because a like one was journaled within the minute (or the per-minute cap was reached), by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  // Touched per message: counted in place, handed to prom-client when read (./hot-metrics.ts).
  const submissions = batchedCounter({
    name: "gatekeeper_submissions_total",
    help: "Submissions by verdict (accepted, refused, monitored, upstream_error) and reason",
    labelNames: ["verdict", "reason"],
    registers: [registry],
  });
  const decisionSeconds = new HotHistogram(
    "gatekeeper_decision_seconds",
    "Time to judge one submission (policy only)",
    [0.000002, 0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0005, 0.001],
    registry,
  );
  const submitSeconds = new HotHistogram(
    "gatekeeper_submit_seconds",
    "Time from an SP's submit to its response (includes the SMSC for accepted messages)",
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  );
  const upstreamBinds = new Gauge({ name: "gatekeeper_upstream_binds_up", help: "Upstream SMSC binds that are bound", registers: [registry] });
  const upstreamInFlight = new Gauge({ name: "gatekeeper_upstream_in_flight", help: "Submissions waiting for the SMSC", registers: [registry] });
  const deliveries = batchedCounter({ name: "gatekeeper_deliveries_total", help: "Receipts and MO relayed to SPs, by kind and outcome", labelNames: ["kind", "outcome"], registers: [registry] });
  const deliveriesQueued = new Gauge({ name: "gatekeeper_deliveries_queued", help: "Receipts and MO in memory waiting for (or in flight to) an SP's receiver binds", registers: [registry] });
  const optOutsByMo = new Counter({ name: "gatekeeper_mo_opt_outs_total", help: "Opt-outs recorded from MO replies", registers: [registry] });
  const snapshotAge = new Gauge({ name: "gatekeeper_registry_snapshot_age_seconds", help: "Seconds since the registry snapshot was known to be current", registers: [registry] });
  const snapshotFresh = new Gauge({ name: "gatekeeper_registry_fresh", help: "1 when the registry database is reachable, 0 when judging on the last snapshot", registers: [registry] });
  const journalBacklog = new Gauge({ name: "gatekeeper_journal_backlog", help: "Journal entries not yet in the database", labelNames: ["where"], registers: [registry] });
  return {
    registry,
    binds,
    bindAttempts,
    bindRefusalsCoalesced,
    submissions,
    decisionSeconds,
    submitSeconds,
    upstreamBinds,
    upstreamInFlight,
    deliveries,
    deliveriesQueued,
    optOutsByMo,
    snapshotAge,
    snapshotFresh,
    journalBacklog,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
