import { describe, expect, it } from "vitest";
import { canonicalMessageId } from "../../../src/gateway/message-id.ts";
import { RouteTable, type RouteEntry, type RouteOwner } from "../../../src/gateway/route-table.ts";

const owners: RouteOwner[] = [
  { accountId: "acc-1", spId: "sp-1", systemId: "sp_one" },
  { accountId: "acc-2", spId: "sp-1", systemId: "sp_one_b" },
  { accountId: "acc-3", spId: "sp-2", systemId: "sp_two" },
];

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The routes as a plain Map would keep them: what the table must answer while under its caps. */
class Model {
  private readonly byKey = new Map<string, Map<string, { entry: RouteEntry; at: number; seq: number }>>();
  private seq = 0;
  size = 0;
  constructor(private readonly ttlMs: number) {}
  add(id: string, owner: RouteOwner, at: number, spMessageId?: string | null) {
    const key = canonicalMessageId(id);
    const routes = this.byKey.get(key) ?? new Map();
    this.byKey.set(key, routes);
    if (!routes.delete(id)) this.size++;
    const sp = spMessageId != null && spMessageId !== id ? spMessageId : null;
    routes.set(id, { entry: { smscMessageId: id, ...owner, spMessageId: sp }, at, seq: this.seq++ });
  }
  /** The route of exactly this id. */
  route(id: string): RouteEntry | undefined {
    return this.byKey.get(canonicalMessageId(id))?.get(id)?.entry;
  }
  get(key: string, now: number): RouteEntry[] | undefined {
    const found = [...(this.byKey.get(key)?.values() ?? [])].filter((r) => r.at + this.ttlMs > now).sort((a, b) => a.seq - b.seq);
    return found.length > 0 ? found.map((r) => r.entry) : undefined;
  }
}

function idFor(next: () => number, i: number): string {
  const r = next();
  if (r < 0.5) return (0x3b9aca00 + Math.floor(next() * 3000)).toString(16); // hex ids, often repeated
  if (r < 0.6) return `00${(0x3b9aca00 + Math.floor(next() * 3000)).toString(16).toUpperCase()}`; // another form of one of them
  if (r < 0.75) return crypto.randomUUID();
  if (r < 0.8) return `id-${i}-${"x".repeat(200 + Math.floor(next() * 120))}`; // longer than the byte ring takes inline
  if (r < 0.85) return `号码-${i}`; // beyond Latin-1
  if (r < 0.87) return "";
  return String(Math.floor(next() * 1e12));
}

describe("RouteTable", () => {
  it("answers as a Map of every route would, through replacements, odd ids and expiry", () => {
    const ttlMs = 10_000;
    const table = new RouteTable({ keyOf: canonicalMessageId, maxEntries: 1_000_000, ttlMs });
    const model = new Model(ttlMs);
    const next = random(17);
    const written: string[] = [];
    let now = 1_700_000_000_000;
    for (let i = 0; i < 40_000; i++) {
      now += Math.floor(next() * 3);
      const id = idFor(next, i);
      const owner = owners[Math.floor(next() * owners.length)]!;
      const sp = next() < 0.1 ? `sp-given-${i}` : next() < 0.05 ? id : undefined;
      table.add(id, owner, now, sp);
      model.add(id, owner, now, sp);
      written.push(id);
      if (i % 7 === 0) {
        const probe = written[Math.floor(next() * written.length)]!;
        const key = canonicalMessageId(probe);
        expect(table.get(key, now)).toEqual(model.get(key, now));
      }
    }
    expect(table.size).toBe(model.size);
    for (const id of written.slice(-2_000)) expect(table.get(canonicalMessageId(id), now)).toEqual(model.get(canonicalMessageId(id), now));
    // Later, the oldest have expired and are not returned.
    const later = now + ttlMs - 5_000;
    for (const id of written.slice(0, 2_000)) expect(table.get(canonicalMessageId(id), later)).toEqual(model.get(canonicalMessageId(id), later));
    expect(table.get("never-written", now)).toBeUndefined();
  });

  it("keeps the routes of several ids under one key in the order they were written, and replaces an id's route", () => {
    const table = new RouteTable({ keyOf: canonicalMessageId });
    table.add("00AB12", owners[0]!, 1);
    table.add("ab12", owners[1]!, 2);
    table.add("0ab12", owners[2]!, 3, "sp-99");
    expect(table.get("ab12", 10)!.map((r) => [r.smscMessageId, r.accountId, r.spMessageId])).toEqual([
      ["00AB12", "acc-1", null],
      ["ab12", "acc-2", null],
      ["0ab12", "acc-3", "sp-99"],
    ]);
    table.add("00AB12", owners[2]!, 4); // the SMSC issued the same id again
    expect(table.get("ab12", 10)!.map((r) => [r.smscMessageId, r.accountId])).toEqual([
      ["ab12", "acc-2"],
      ["0ab12", "acc-3"],
      ["00AB12", "acc-3"],
    ]);
    expect(table.size).toBe(3);
  });

  it("never returns a route whose key differs, even when the 64-bit hashes collide", () => {
    // A key function with a deliberately narrow range makes every lookup go through the check.
    const table = new RouteTable({ keyOf: (id) => id });
    const hashOf = (table as unknown as { hashOf(key: string): [number, number] }).hashOf.bind(table);
    // Force a collision: make the table hash every key alike.
    (table as unknown as { hashOf(key: string): [number, number] }).hashOf = () => [1, 2];
    table.add("m-1", owners[0]!, 1);
    table.add("m-2", owners[2]!, 1);
    expect(table.get("m-2", 5)!.map((r) => r.accountId)).toEqual(["acc-3"]);
    expect(table.get("m-3", 5)).toBeUndefined();
    expect([...hashOf("m-1")]).not.toEqual([...hashOf("m-2")]);
  });

  it("at its caps keeps the newest routes and drops the oldest, within bounded memory", () => {
    const maxEntries = 5_000;
    const table = new RouteTable({ keyOf: canonicalMessageId, maxEntries, maxIdBytes: maxEntries * 12 }); // the byte ring fills before the entries do
    const model = new Model(Number.POSITIVE_INFINITY);
    const next = random(99);
    const written: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      // UUIDs push the byte ring to its cap; some ids repeat, are too long for it, or are not Latin-1.
      const r = next();
      const id = i > 0 && r < 0.3 ? crypto.randomUUID() : i > 0 && r < 0.4 ? idFor(next, i) : (0x10000000 + i).toString(16);
      const owner = owners[i % owners.length]!;
      table.add(id, owner, i);
      model.add(id, owner, i);
      written.push(id);
      expect(table.size).toBeLessThanOrEqual(maxEntries);
    }
    // The byte ring holds at least maxEntries * 12 / 36 ids of 36 characters: the newest 1,500 are all there.
    for (const id of written.slice(-1_500)) expect(table.get(canonicalMessageId(id), 70_000)).toContainEqual(model.route(id));
    // What is still returned is right (an id's older siblings under its key may be gone); the oldest are gone.
    for (const id of written) for (const route of table.get(canonicalMessageId(id), 70_000) ?? []) expect(route).toEqual(model.route(route.smscMessageId));
    expect(table.get(canonicalMessageId(written[0]!), 70_000)).toBeUndefined();
    // Every route the table counts can be found: none was overwritten in place by a newer id.
    const findable = [...new Set(written)].filter((id) => table.get(canonicalMessageId(id), 70_000)?.some((r) => r.smscMessageId === id)).length;
    expect(findable).toBe(table.size);
    expect(table.size).toBeGreaterThan(1_500);
    // Typed arrays at the cap, an index of 16,384 slots (at most half full), the byte ring at its cap.
    expect(table.byteLength).toBeLessThanOrEqual(maxEntries * 25 + 16_384 * 4 + maxEntries * 12);
  });
});
