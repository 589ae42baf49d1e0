/**
 * What a proxy keeps in memory besides its snapshot, at the caps it keeps it to: the receipt routes
 * (DeliveryRelay's RouteTable: 2,000,000, by canonical message id; SMSC ids of 8 hex digits, and of
 * 36 characters (UUIDs) as some SMSCs issue) and the last sender per recipient and port
 * (Gatekeeper's LastSenders, 1,000,000; 64-hex-digit recipient hashes and port UUIDs, as
 * VerdictRecorder writes them), the velocity counts (VelocityCounters, 1,000,000 recipients, one code
 * each from one of 1,000 enterprises) and the daily marketing counts (DailyMarketingCounters,
 * 2,000,000). For comparison, the same in the maps of strings and objects they were kept in before
 * (the velocity counters' object version is the tests' reference). Each is filled in a process of
 * its own; RSS is read from the kernel after a full collection, before and after.
 *
 *   bun test/bench/memory-maps.ts
 */
import { readFileSync } from "node:fs";
import { BoundedMap } from "../../src/gateway/bounded-map.ts";
import { LastSenders } from "../../src/gateway/last-senders.ts";
import { canonicalMessageId } from "../../src/gateway/message-id.ts";
import { RouteTable } from "../../src/gateway/route-table.ts";
import { DailyMarketingCounters } from "../../src/gateway/recipient-counters.ts";
import { VelocityCounters } from "../../src/velocity/velocity-counters.ts";
import { ReferenceVelocityCounters } from "../src/velocity/reference-velocity-counters.ts";

const DAY_MS = 86_400_000;
const ROUTES = 2_000_000;
const LAST_SENDERS = 1_000_000;
const VELOCITY_RECIPIENTS = 1_000_000;
const MARKETING_COUNTS = 2_000_000;

const rssMb = () => Math.round((Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]) * 4096) / 1048576);
const settled = () => {
  Bun.gc(true);
  return rssMb();
};

const now = Date.now();
const identity = { accountId: crypto.randomUUID(), spId: crypto.randomUUID(), systemId: "sp_a" };
const hexId = (i: number) => (1_000_000_000 + i).toString(16); // an SMSC's hex message id
const uuidId = (i: number) => `${hexId(i)}-0000-4000-8000-000000000000`;
const ports = Array.from({ length: 100 }, () => crypto.randomUUID());
const enterpriseId = crypto.randomUUID();
const enterprises = Array.from({ length: 1000 }, () => crypto.randomUUID());
// Each message brings its own recipient hash string, as LazyRecipient computes it.
const hashOf = (i: number) => new Bun.CryptoHasher("sha256").update(`recipient ${i}`).digest("hex");

/** Each structure is filled in a process of its own, so no measurement inherits another's heap. */
const parts: Record<string, () => { size: number; expected: number }> = {
  routes: () => routeTable(hexId),
  routes_uuid_ids: () => routeTable(uuidId),
  routes_as_map: () => {
    const routes = new BoundedMap<string, unknown[]>(ROUTES, 3 * DAY_MS);
    for (let i = 0; i < ROUTES; i++) {
      const messageId = hexId(i);
      routes.set(canonicalMessageId(messageId), [{ smscMessageId: messageId, accountId: identity.accountId, spId: identity.spId, systemId: identity.systemId, spMessageId: null }], now);
    }
    return keep(routes, routes.size, ROUTES);
  },
  last_senders: () => {
    const lastSenders = new LastSenders(LAST_SENDERS, 30 * DAY_MS);
    for (let i = 0; i < LAST_SENDERS; i++) lastSenders.set(hashOf(i), ports[i % ports.length]!, enterpriseId, now);
    return keep(lastSenders, lastSenders.size, LAST_SENDERS);
  },
  last_senders_as_strings: () => {
    const asStrings = new BoundedMap<string, { enterpriseId: string; at: number }>(LAST_SENDERS, 30 * DAY_MS);
    for (let i = 0; i < LAST_SENDERS; i++) asStrings.set(`${hashOf(i)}|${ports[i % ports.length]}`, { enterpriseId, at: now }, now);
    return keep(asStrings, asStrings.size, LAST_SENDERS);
  },
  velocity: () => velocity(new VelocityCounters({ maxRecipients: VELOCITY_RECIPIENTS })),
  velocity_as_objects: () => velocity(new ReferenceVelocityCounters({ maxRecipients: VELOCITY_RECIPIENTS })),
  marketing_counts: () => {
    const counters = new DailyMarketingCounters(480, MARKETING_COUNTS);
    for (let i = 0; i < MARKETING_COUNTS; i++) counters.recordMarketing(hashOf(i), enterprises[i % enterprises.length]!, now);
    return keep(counters, counters.size, MARKETING_COUNTS);
  },
  marketing_counts_as_map: () => {
    // As DailyMarketingCounters kept them until 2 December 2026: `day|enterprise|hash` → count.
    const counts = new BoundedMap<string, number>(MARKETING_COUNTS, DAY_MS + 3_600_000);
    for (let i = 0; i < MARKETING_COUNTS; i++) counts.set(`20415|${enterprises[i % enterprises.length]}|${hashOf(i)}`, 1, now);
    return keep(counts, counts.size, MARKETING_COUNTS);
  },
};

/** What each part holds, for the summary's per-entry keys. */
const UNIT: Record<string, string> = { routes: "route", last_senders: "last_sender", velocity: "velocity_recipient", marketing_counts: "marketing_count" };

function velocity(counters: Pick<VelocityCounters, "record" | "read">) {
  for (let i = 0; i < VELOCITY_RECIPIENTS; i++) counters.record(hashOf(i), enterprises[i % enterprises.length], now);
  let found = 0;
  for (let i = 0; i < VELOCITY_RECIPIENTS; i += 101) if (counters.read(hashOf(i), now).day === 1) found++;
  return keep(counters, found, Math.ceil(VELOCITY_RECIPIENTS / 101));
}

const kept: unknown[] = [];
function keep(structure: unknown, size: number, expected: number) {
  kept.push(structure); // alive until measured
  return { size, expected };
}
function routeTable(idOf: (i: number) => string) {
  const table = new RouteTable({ keyOf: canonicalMessageId, maxEntries: ROUTES, ttlMs: 3 * DAY_MS });
  for (let i = 0; i < ROUTES; i++) table.add(idOf(i), identity, now);
  return keep(table, table.size, ROUTES);
}

const part = process.argv[2];
if (part) {
  const before = settled();
  const { size, expected } = parts[part]!();
  const mb = settled() - before;
  if (size !== expected) throw new Error(`${part} kept ${size} entries of ${expected}`);
  const entries = part.startsWith("velocity") ? VELOCITY_RECIPIENTS : expected;
  console.log(JSON.stringify({ mb, bytes_each: Math.round((mb * 1048576) / entries) }));
} else {
  const result: Record<string, number | string> = { routes: ROUTES, last_senders: LAST_SENDERS, velocity_recipients: VELOCITY_RECIPIENTS, marketing_counts: MARKETING_COUNTS };
  for (const name of Object.keys(parts)) {
    const child = Bun.spawnSync([process.execPath, import.meta.path, name], { stderr: "inherit" });
    if (child.exitCode !== 0) throw new Error(`${name} failed`);
    const { mb, bytes_each } = JSON.parse(child.stdout.toString()) as { mb: number; bytes_each: number };
    result[`${name}_mb`] = mb;
    const base = Object.keys(UNIT).find((prefix) => name.startsWith(prefix))!;
    result[`bytes_per_${UNIT[base]}${name.slice(base.length)}`] = bytes_each;
  }
  result.bun = Bun.version;
  console.log(JSON.stringify(result));
}
