/**
 * The daily refusal counters (kept by a trigger on `rejections`) plus the partial days read from the
 * journal must give exactly what counting the journal rows gives, for any period and grouping, and
 * stay right through replays, deletes and retention.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import { resultRows } from "../../../src/db/rows.ts";
import { countJournal, splitPeriod, type CountKey } from "../../../src/journal/counts.ts";
import { countRejections, listRejections } from "../../../src/journal/journal.service.ts";
import type { ServiceContext } from "../../../src/context.ts";
import { createPiiProtector } from "../../../src/lib/pii.ts";
import { enforceRetention } from "../../../src/journal/retention.ts";
import { createDeliveryStore } from "../../../src/deliveries/deliveries.service.ts";
import { useTestDatabase } from "../../helpers/database.ts";

const database = useTestDatabase();

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const START = Date.parse("2026-11-10T00:00:00+08:00");
const HOUR = 3_600_000;
const sps = [crypto.randomUUID(), crypto.randomUUID(), null];
const signaturesList = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), null];
const reasons = ["scope_exceeded", "sublet_no_contract", "recipient_opted_out"];

async function seed(rows: number, next: () => number) {
  const values: (typeof rejections.$inferInsert)[] = [];
  for (let i = 0; i < rows; i++) {
    const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
    // Half-hour granularity across six days, some rows exactly on China midnight.
    const at = new Date(START + Math.floor(next() * 6 * 48) * (HOUR / 2) + (i % 7 === 0 ? 0 : Math.floor(next() * 1000)));
    values.push({ eventId: `e${i}`, at, reason: pick(reasons), monitor: next() < 0.2, command: "submit_sm", spId: pick(sps), signatureId: pick(signaturesList), remoteAddress: pick(["10.0.0.1", null]) });
  }
  await database.db.insert(rejections).values(values);
}

/** The reference: the same grouping counted straight from the journal rows. */
async function naive(from: Date | undefined, to: Date | undefined, groupBy: CountKey[], spId?: string) {
  const column: Record<CountKey, string> = {
    day: `to_char((at at time zone 'UTC') + interval '480 minutes', 'YYYY-MM-DD')`,
    reason: "reason", monitor: "monitor::text", spId: "sp_id::text", accountId: "account_id::text", portId: "port_id::text",
    signatureId: "signature_id::text", enterpriseId: "enterprise_id::text", remoteAddress: "remote_address",
  };
  const keys = groupBy.map((k) => column[k]);
  const where = [from ? sql`at >= ${from.toISOString()}::timestamptz` : sql`true`, to ? sql`at < ${to.toISOString()}::timestamptz` : sql`true`, spId ? sql`sp_id = ${spId}` : sql`true`];
  const rows = resultRows<Record<string, unknown>>(
    await database.db.execute(sql`select ${sql.raw(keys.map((k, i) => `${k} as k${i}, `).join(""))}count(*)::int as n from rejections
      where ${sql.join(where, sql` and `)} ${sql.raw(keys.length ? `group by ${keys.map((_, i) => i + 1).join(", ")}` : "")}`),
  );
  return rows.map((row) => ({ ...Object.fromEntries(groupBy.map((k, i) => [k, row[`k${i}`] ?? null])), count: Number(row.n) }));
}

const canonical = (row: Record<string, unknown>) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));
const sortRows = (rows: Record<string, unknown>[]) => rows.filter((r) => Number(r.count) > 0).map(canonical).sort();

describe("journal counts", () => {
  it("splits a period into whole China days and the partial days around them, reading the smaller side of each", () => {
    const at = (text: string) => new Date(text);
    const later = Date.parse("2027-01-01T00:00:00Z");
    // 4 h inside the first day and 3 h inside the last: those rows are added to the counters between.
    expect(splitPeriod(at("2026-11-10T20:00:00+08:00"), at("2026-11-13T03:00:00+08:00"), later)).toEqual({
      rows: [
        { from: at("2026-11-10T20:00:00+08:00"), to: at("2026-11-11T00:00:00+08:00"), sign: 1 },
        { from: at("2026-11-13T00:00:00+08:00"), to: at("2026-11-13T03:00:00+08:00"), sign: 1 },
      ],
      days: { first: "2026-11-11", end: "2026-11-13" },
    });
    // 20 h inside the first day: the day's counter minus its first 4 h.
    expect(splitPeriod(at("2026-11-10T04:00:00+08:00"), at("2026-11-12T00:00:00+08:00"), later)).toEqual({
      rows: [{ from: at("2026-11-10T00:00:00+08:00"), to: at("2026-11-10T04:00:00+08:00"), sign: -1 }],
      days: { first: "2026-11-10", end: "2026-11-12" },
    });
    // Ending now: today's counter minus the (empty) rest of today.
    const now = at("2026-11-13T15:00:00+08:00");
    expect(splitPeriod(at("2026-11-11T00:00:00+08:00"), now, now.getTime())).toEqual({
      rows: [{ from: now, to: at("2026-11-14T00:00:00+08:00"), sign: -1 }],
      days: { first: "2026-11-11", end: "2026-11-14" },
    });
    // Aligned on midnight at both ends: counters only.
    expect(splitPeriod(at("2026-11-10T00:00:00+08:00"), at("2026-11-12T00:00:00+08:00"), later)).toEqual({ rows: [], days: { first: "2026-11-10", end: "2026-11-12" } });
    // Two hours inside one day: those rows only.
    expect(splitPeriod(at("2026-11-10T01:00:00+08:00"), at("2026-11-10T03:00:00+08:00"), later)).toEqual({
      rows: [{ from: at("2026-11-10T01:00:00+08:00"), to: at("2026-11-10T03:00:00+08:00"), sign: 1 }],
      days: undefined,
    });
    expect(splitPeriod(undefined, undefined)).toEqual({ rows: [], days: { first: undefined, end: undefined } });
  });

  it("counts exactly what the journal rows say, for random periods and groupings", async () => {
    const next = random(20261123);
    await seed(1500, next);
    const groupings: CountKey[][] = [[], ["day"], ["reason"], ["spId", "reason"], ["signatureId", "day"], ["monitor", "remoteAddress"]];
    for (let trial = 0; trial < 24; trial++) {
      const a = START - 12 * HOUR + Math.floor(next() * 7 * 24) * HOUR + (trial % 3 === 0 ? 0 : Math.floor(next() * HOUR));
      const b = a + Math.floor(next() * 5 * 24 * HOUR);
      const from = trial % 5 === 1 ? undefined : new Date(a);
      const to = trial % 5 === 2 ? undefined : new Date(b);
      const groupBy = groupings[trial % groupings.length]!;
      const spId = trial % 4 === 3 ? sps[0]! : undefined;
      const fast = await countJournal(database.db, { from, to, groupBy, where: spId ? (d) => sql`${d.spId} = ${spId}` : undefined });
      expect(sortRows(fast), `trial ${trial}: ${from?.toISOString()}..${to?.toISOString()} by ${groupBy.join(",")}`).toEqual(sortRows(await naive(from, to, groupBy, spId)));
    }
  });

  it("an empty or inverted period counts nothing", async () => {
    await seed(50, random(7));
    const at = new Date(START + 30 * HOUR + 1234);
    expect(await countJournal(database.db, { from: at, to: at, groupBy: [] })).toEqual([{ count: 0 }]);
    expect(await countJournal(database.db, { from: new Date(START + 3 * 24 * HOUR + 5), to: at, groupBy: ["day"] })).toEqual([]);
    const midnight = new Date(START + 24 * HOUR);
    expect(await countJournal(database.db, { from: midnight, to: midnight, groupBy: ["reason"] })).toEqual([]);
  });

  it("a replayed row is not counted twice; deletes and retention uncount", async () => {
    const at = new Date("2026-11-12T03:00:00Z");
    const row = { eventId: "same", at, reason: "scope_exceeded", command: "submit_sm" };
    await database.db.insert(rejections).values(row);
    await database.db.insert(rejections).values([row, { ...row, eventId: "other" }]).onConflictDoNothing();
    expect(await countJournal(database.db, { groupBy: [] })).toEqual([{ count: 2 }]);
    await database.db.execute(sql`delete from rejections where event_id = 'other'`);
    expect(await countJournal(database.db, { groupBy: ["day"] })).toEqual([{ day: "2026-11-12", count: 1 }]);
    await database.db.insert(rejections).values({ ...row, eventId: "old", at: new Date("2026-01-05T03:00:00Z") });
    await enforceRetention(database.db, createDeliveryStore(database.db), new Date("2026-11-20T00:00:00Z"), 180);
    expect(await countJournal(database.db, { groupBy: ["day"] })).toEqual([{ day: "2026-11-12", count: 1 }]);
    const counters = resultRows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from rejection_counts`));
    expect(counters[0]!.n).toBe(1);
  });

  it("pages of refusals and the charts match the journal rows, whichever filters and boundaries", async () => {
    const next = random(4242);
    await seed(1200, next);
    const ctx: ServiceContext = { db: database.db, actor: { type: "operator", id: "t" }, now: new Date(), pii: createPiiProtector("test-key-0123456789abcdef0123456789") };
    const filters = [
      { spId: sps[0]! },
      { spId: sps[1]!, reason: "sublet_no_contract" },
      { reason: "recipient_opted_out", monitor: "true" as const },
      { signatureId: signaturesList[2]!, spId: sps[0]! },
      { spId: sps[1]!, reason: "no_such_reason" },
      {},
    ];
    for (const [i, base] of filters.entries()) {
      const from = i % 2 === 0 ? new Date(START + 20 * HOUR + 123) : undefined;
      const to = i % 3 === 0 ? new Date(START + 4 * 24 * HOUR + 7 * HOUR) : undefined;
      const filter = { ...base, from: from?.toISOString(), to: to?.toISOString() };
      const expected = resultRows<{ id: number }>(
        await database.db.execute(sql`select id::int as id from rejections where true
          ${base.spId ? sql`and sp_id = ${base.spId}` : sql``} ${"reason" in base && base.reason ? sql`and reason = ${base.reason}` : sql``}
          ${"monitor" in base ? sql`and monitor` : sql``} ${"signatureId" in base && base.signatureId ? sql`and signature_id = ${base.signatureId}` : sql``}
          ${from ? sql`and at >= ${from.toISOString()}::timestamptz` : sql``} ${to ? sql`and at < ${to.toISOString()}::timestamptz` : sql``}
          order by at desc, id desc`),
      ).map((r) => Number(r.id));
      const seen: number[] = [];
      let after: { at: Date; id: number } | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await listRejections(ctx, filter, { limit: 37, after });
        seen.push(...page.items.map((item) => item.id));
        const last = page.items[page.items.length - 1];
        if (!page.nextCursor || !last) break;
        after = { at: last.at, id: last.id };
      }
      expect(seen, `filter ${i}`).toEqual(expected);
      const perDay = await countRejections(ctx, filter, "day");
      expect(perDay.reduce((sum, row) => sum + row.count, 0), `filter ${i}`).toBe(expected.length);
    }
  });
});
