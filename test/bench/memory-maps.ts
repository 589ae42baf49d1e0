/**
 * What a proxy keeps in memory besides its snapshot, at the caps it keeps it to: the receipt routes
 * (DeliveryRelay's RouteTable: 2,000,000, by canonical message id; SMSC ids of 8 hex digits, and of
 * 36 characters (UUIDs) as some SMSCs issue) and the last sender per recipient and port
 * (Gatekeeper's LastSenders, 1,000,000; 64-hex-digit recipient hashes and port UUIDs, as
 * VerdictRecorder writes them). For comparison, the same routes and last senders in BoundedMaps of
 * strings and objects, as they were kept before. Each is filled in a process of its own; RSS is read
 * from the kernel after a full collection, before and after.
 *
 *   bun test/bench/memory-maps.ts
 */
import { readFileSync } from "node:fs";
import { BoundedMap } from "../../src/gateway/bounded-map.ts";
import { LastSenders } from "../../src/gateway/last-senders.ts";
import { canonicalMessageId } from "../../src/gateway/message-id.ts";
import { RouteTable } from "../../src/gateway/route-table.ts";

const DAY_MS = 86_400_000;
const ROUTES = 2_000_000;
const LAST_SENDERS = 1_000_000;

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
};

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
  console.log(JSON.stringify({ mb, bytes_each: Math.round((mb * 1048576) / expected) }));
} else {
  const result: Record<string, number | string> = { routes: ROUTES, last_senders: LAST_SENDERS };
  for (const name of Object.keys(parts)) {
    const child = Bun.spawnSync([process.execPath, import.meta.path, name], { stderr: "inherit" });
    if (child.exitCode !== 0) throw new Error(`${name} failed`);
    const { mb, bytes_each } = JSON.parse(child.stdout.toString()) as { mb: number; bytes_each: number };
    result[`${name}_mb`] = mb;
    result[`bytes_per_${name.startsWith("routes") ? "route" : "last_sender"}${name.replace(/^(routes|last_senders)/, "")}`] = bytes_each;
  }
  result.bun = Bun.version;
  console.log(JSON.stringify(result));
}
