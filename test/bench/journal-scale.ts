/**
 * `npm run bench:journal-scale`: are refusal queries, traffic charts and a review computation
 * still interactive over 10 million journal rows? Seeds `JOURNAL_ROWS` (default 10,000,000)
 * refusals spread over 60 days into the partitioned `rejections` table (PostgreSQL from
 * BENCH_DATABASE_URL; PGlite otherwise, which is much slower to seed), plus 60 days of
 * traffic_daily, then times each query JOURNAL_REPEAT (default 20) times and reports p50/p95 in milliseconds.
 * Seeding loads like a bulk import: the journal's secondary indexes are dropped, the rows inserted
 * (the daily-counter trigger stays on, as in production), then the indexes are rebuilt from their
 * own definitions. JOURNAL_KEEP=1 keeps the seeded PostgreSQL database and prints its URL;
 * JOURNAL_DATABASE_URL=<that url> times the queries again without seeding.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { countRejections, listRejections, trafficByDay } from "../../src/journal/journal.service.ts";
import type { ServiceContext } from "../../src/context.ts";
import { ensurePartitions } from "../../src/journal/partitions.ts";
import { createPiiProtector } from "../../src/lib/pii.ts";
import { chinaDayStart, localDate } from "../../src/lib/dates.ts";
import { openDatabase } from "../../src/db/client.ts";
import { resultRows } from "../../src/db/rows.ts";
import { computeFindings } from "../../src/reviews/campaign.ts";
import { DEFAULT_REVIEW_SETTINGS } from "../../src/reviews/settings.ts";
import { createBenchDatabase } from "./databases.ts";

const ROWS = Number(process.env.JOURNAL_ROWS ?? 10_000_000);
const DAY = 86_400_000;
const REPEAT = Number(process.env.JOURNAL_REPEAT ?? 20);
const uuid = (): string => crypto.randomUUID();
const sps = Array.from({ length: 20 }, uuid);
const portsList = Array.from({ length: 200 }, uuid);
const signaturesList = Array.from({ length: 2000 }, uuid);
const enterprisesList = Array.from({ length: 500 }, uuid);
const reasons = ["sublet_no_contract", "scope_exceeded", "signature_unregistered", "recipient_opted_out", "opt_out_hint_missing", "port_not_owned", "signature_missing", "quiet_hours"];
const pgArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v}'`).join(",")}]`);

const reuse = process.env.JOURNAL_DATABASE_URL;
const keep = process.env.JOURNAL_KEEP === "1";
const bench = reuse ? undefined : await createBenchDatabase("journalscale");
const database = reuse ? await openDatabase({ url: reuse, poolSize: 4 }) : await bench!.open(4);
const seeded = { seconds: 0, rowSeconds: 0, indexSeconds: 0 };
// With a reused database the ids come from what it holds (the seed's arrays were random).
const now = reuse ? new Date((resultRows<{ at: string }>(await database.db.execute(sql`select max(at)::text as at from rejections`))[0]?.at ?? Date.now()) as string) : new Date();
if (reuse) {
  const distinct = async (column: string) => resultRows<{ id: string }>(await database.db.execute(sql.raw(`select distinct ${column}::text as id from traffic_daily order by 1`))).map((r) => r.id);
  sps.splice(0, sps.length, ...(await distinct("sp_id")));
  portsList.splice(0, portsList.length, ...(await distinct("port_id")));
  signaturesList.splice(0, signaturesList.length, ...(await distinct("signature_id")));
}
try {
  if (!reuse) await seed();
  await runQueries();
} finally {
  await database.close();
  if (keep && bench?.url) console.error(`[journal-scale] kept: JOURNAL_DATABASE_URL=${bench.url}`);
  else await bench?.drop();
}

async function seed() {
  await database.migrate();
  await ensurePartitions(database.db, new Date(now.getTime() - 62 * DAY), 3);
  const seedStarted = performance.now();
  const indexes = resultRows<{ name: string; definition: string }>(
    await database.db.execute(sql`select indexname as name, indexdef as definition from pg_indexes where tablename = 'rejections' and indexname <> 'rejections_at_id_pk'`),
  );
  for (const index of indexes) await database.db.execute(sql.raw(`drop index "${index.name}"`));
  const chunk = 1_000_000;
  for (let start = 0; start < ROWS; start += chunk) {
    const end = Math.min(ROWS, start + chunk);
    await database.db.execute(sql`
      insert into rejections (event_id, at, reason, monitor, command, sp_id, port_id, source_addr, signature_id, enterprise_id, category, recipient_hash, recipient_mask, text)
      select 'bench:' || g, ${now.toISOString()}::timestamptz - ((g * 7919) % (60 * 86400)) * interval '1 second',
        (${pgArray(reasons)})[1 + g % ${reasons.length}], false, 'submit_sm',
        (${pgArray(sps)})[1 + g % ${sps.length}]::uuid, (${pgArray(portsList)})[1 + g % ${portsList.length}]::uuid, '1069' || (g % 9999),
        (${pgArray(signaturesList)})[1 + g % ${signaturesList.length}]::uuid, (${pgArray(enterprisesList)})[1 + g % ${enterprisesList.length}]::uuid,
        'marketing', md5(g::text), '138****' || lpad((g % 10000)::text, 4, '0'), '【测试】验证码 ******'
      from generate_series(${start + 1}::bigint, ${end}::bigint) g`);
    console.error(`[journal-scale] ${end.toLocaleString()} rows (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)`);
  }
  seeded.rowSeconds = (performance.now() - seedStarted) / 1000;
  const indexStarted = performance.now();
  await database.db.execute(sql`set maintenance_work_mem = '512MB'`);
  // pg_indexes shows a partitioned index as "ON ONLY rejections"; rebuilt that way it would cover no partition.
  for (const index of indexes) await database.db.execute(sql.raw(index.definition.replace(" ON ONLY ", " ON ")));
  seeded.indexSeconds = (performance.now() - indexStarted) / 1000;
  console.error(`[journal-scale] ${indexes.length} indexes rebuilt (${seeded.indexSeconds.toFixed(0)} s)`);
  await database.db.execute(sql`
    insert into traffic_daily (day, sp_id, port_id, signature_id, enterprise_id, category, accepted, refused)
    select (${now.toISOString()}::timestamptz - d * interval '1 day')::date, (${pgArray(sps)})[1 + s % 20]::uuid, (${pgArray(portsList)})[1 + s % 200]::uuid,
      (${pgArray(signaturesList)})[1 + s]::uuid, (${pgArray(enterprisesList)})[1 + s % 500]::uuid, 'verification', 1000 + s, s % 50
    from generate_series(0, 59) d, generate_series(0, ${signaturesList.length - 1}) s on conflict do nothing`);
  await database.db.execute(sql`analyze`);
  seeded.seconds = (performance.now() - seedStarted) / 1000;
}

async function runQueries() {

  const ctx: ServiceContext = { db: database.db, actor: { type: "operator", id: "bench" }, now, pii: createPiiProtector("bench-key-0123456789abcdef0123456789") };
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  // The console asks in whole China days (its date pickers); "now-based" periods show the cost of
  // arbitrary boundaries, where the partial days at both ends are counted from journal rows.
  const today = localDate(now);
  const dayStart = (daysBack: number) => new Date(chinaDayStart(today).getTime() - daysBack * DAY);
  const endOfToday = dayStart(-1);
  const days = (n: number) => ({ from: dayStart(n - 1).toISOString(), to: endOfToday.toISOString() });
  // One reason the SP has refusals for and one it never had (the seed's modular pattern leaves gaps).
  const had = new Set(resultRows<{ reason: string }>(await database.db.execute(sql`select distinct reason from rejection_counts where sp_id = ${sps[3]}`)).map((r) => r.reason));
  const reasonHad = reasons.find((r) => had.has(r))!;
  const reasonNever = reasons.find((r) => !had.has(r)) ?? "no_such_reason";
  const queries: Record<string, () => Promise<unknown>> = {
    "refusals: newest page (7 days)": () => listRejections(ctx, { from: iso(7 * DAY) }, { limit: 50 }),
    "refusals: one SP and reason (30 days)": () => listRejections(ctx, { from: iso(30 * DAY), spId: sps[3], reason: reasonHad }, { limit: 50 }),
    "refusals: one SP and a reason it never had (30 days)": () => listRejections(ctx, { from: iso(30 * DAY), spId: sps[3], reason: reasonNever }, { limit: 50 }),
    "refusals: one port, second page": async () => {
      const first = await listRejections(ctx, { portId: portsList[7] }, { limit: 50 });
      const last = first.items[first.items.length - 1]!;
      return listRejections(ctx, { portId: portsList[7] }, { limit: 50, after: { at: last.at, id: last.id } });
    },
    "refusals: one signature (30 days)": () => listRejections(ctx, { from: iso(30 * DAY), signatureId: signaturesList[11] }, { limit: 50 }),
    "chart: refusals per day (30 days)": () => countRejections(ctx, days(30), "day"),
    "chart: top reasons (7 days)": () => countRejections(ctx, days(7), "reason"),
    "chart: refusals per day for one SP (30 days)": () => countRejections(ctx, { ...days(30), spId: sps[3] }, "day"),
    "chart: traffic per day by SP (30 days)": () => trafficByDay(ctx, { from: localDate(dayStart(29)), groupBy: "sp" }),
    "chart: refusals per day, now-based (30 × 24 h)": () => countRejections(ctx, { from: iso(30 * DAY), to: now.toISOString() }, "day"),
    "review: findings for one SP (30 days)": () => computeFindings(database.db, { spId: sps[5], from: dayStart(29), to: endOfToday }, now, DEFAULT_REVIEW_SETTINGS),
    "review: findings for everything (30 days)": () => computeFindings(database.db, { from: dayStart(29), to: endOfToday }, now, DEFAULT_REVIEW_SETTINGS),
    "review: findings for everything, now-based (30 × 24 h)": () => computeFindings(database.db, { from: new Date(now.getTime() - 30 * DAY), to: now }, now, DEFAULT_REVIEW_SETTINGS),
  };

  const results: Record<string, { p50_ms: number; p95_ms: number }> = {};
  for (const [name, run] of Object.entries(queries)) {
    await run(); // warm
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results[name] = { p50_ms: Number(times[Math.floor(REPEAT * 0.5)]!.toFixed(1)), p95_ms: Number(times[Math.ceil(REPEAT * 0.95) - 1]!.toFixed(1)) };
    console.error(`[journal-scale] ${name}: p50 ${results[name].p50_ms} ms, p95 ${results[name].p95_ms} ms`);
  }
  const total = resultRows<{ n: string }>(await database.db.execute(sql`select count(*)::text as n from rejections`))[0]!.n;
  const summary = {
    rows: Number(total),
    database: bench?.kind ?? "postgres",
    seed_s: reuse ? null : Number(seeded.seconds.toFixed(1)),
    seed_rows_s: reuse ? null : Number(seeded.rowSeconds.toFixed(1)),
    seed_indexes_s: reuse ? null : Number(seeded.indexSeconds.toFixed(1)),
    queries: results,
  };
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-journal-scale.json`), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
}
