/**
 * What a proxy keeps in memory besides its snapshot, at the caps it keeps it to: the receipt routes
 * (DeliveryRelay's RouteTable: 2,000,000, by canonical message id; SMSC ids of 8 hex digits, and of
 * 36 characters (UUIDs) as some SMSCs issue) and the last sender per recipient and port
 * (Gatekeeper's LastSenders, 1,000,000; 64-hex-digit recipient hashes and port UUIDs, as
 * VerdictRecorder writes them). For comparison, the same routes and last senders in BoundedMaps of
 * strings and objects, as they were kept before. RSS is read from the kernel after a full collection.
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

const kept: RouteTable[] = []; // alive to the end, so the next measurement cannot reuse their memory
function routeTable(idOf: (i: number) => string): number {
  const before = settled();
  const table = new RouteTable({ keyOf: canonicalMessageId, maxEntries: ROUTES, ttlMs: 3 * DAY_MS });
  for (let i = 0; i < ROUTES; i++) table.add(idOf(i), identity, now);
  const after = settled();
  if (table.size !== ROUTES) throw new Error(`the route table kept ${table.size} routes`);
  kept.push(table);
  return after - before;
}
const routesMb = routeTable(hexId);
const routesUuidMb = routeTable(uuidId);

const before = settled();
const routes = new BoundedMap<string, unknown[]>(ROUTES, 3 * DAY_MS);
for (let i = 0; i < ROUTES; i++) {
  const messageId = hexId(i);
  routes.set(canonicalMessageId(messageId), [{ smscMessageId: messageId, accountId: identity.accountId, spId: identity.spId, systemId: identity.systemId, spMessageId: null }], now);
}
const afterRoutes = settled();

const ports = Array.from({ length: 100 }, () => crypto.randomUUID());
const enterpriseId = crypto.randomUUID();
// Each message brings its own recipient hash string, as LazyRecipient computes it.
const hashOf = (i: number) => new Bun.CryptoHasher("sha256").update(`recipient ${i}`).digest("hex");
const beforeSenders = settled();
const lastSenders = new LastSenders(LAST_SENDERS, 30 * DAY_MS);
for (let i = 0; i < LAST_SENDERS; i++) lastSenders.set(hashOf(i), ports[i % ports.length]!, enterpriseId, now);
const afterSenders = settled();
const asStrings = new BoundedMap<string, { enterpriseId: string; at: number }>(LAST_SENDERS, 30 * DAY_MS);
for (let i = 0; i < LAST_SENDERS; i++) asStrings.set(`${hashOf(i)}|${ports[i % ports.length]}`, { enterpriseId, at: now }, now);
const afterStrings = settled();

if (routes.size !== ROUTES || lastSenders.size !== LAST_SENDERS || asStrings.size !== LAST_SENDERS) throw new Error("the maps did not keep every entry");
const result = {
  routes: ROUTES,
  routes_mb: routesMb,
  bytes_per_route: Math.round((routesMb * 1048576) / ROUTES),
  routes_uuid_ids_mb: routesUuidMb,
  bytes_per_route_uuid_ids: Math.round((routesUuidMb * 1048576) / ROUTES),
  routes_as_map_mb: afterRoutes - before,
  bytes_per_route_as_map: Math.round(((afterRoutes - before) * 1048576) / ROUTES),
  last_senders: LAST_SENDERS,
  last_senders_mb: afterSenders - beforeSenders,
  bytes_per_last_sender: Math.round(((afterSenders - beforeSenders) * 1048576) / LAST_SENDERS),
  last_senders_as_strings_mb: afterStrings - afterSenders,
  bytes_per_last_sender_as_strings: Math.round(((afterStrings - afterSenders) * 1048576) / LAST_SENDERS),
  bun: Bun.version,
};
console.log(JSON.stringify(result));
