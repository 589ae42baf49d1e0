import { sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { resultRows } from "../db/rows.ts";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "./store.ts";
import { bucketsAt } from "./windows.ts";

const CLEANUP_EVERY_MS = 60_000;

/**
 * Velocity counters in PostgreSQL, for several proxies without Redis: each flush is two statements
 * (an upsert of every window's count returning the totals, and the hour's enterprise sets), whatever
 * the number of recipients in it. Rows of past windows are deleted about once a minute.
 */
export class PostgresVelocityStore implements VelocityStore {
  readonly kind = "postgres" as const;
  private lastCleanup = 0;

  constructor(private readonly db: Executor) {}

  async exchange(deltas: readonly VelocityDelta[], at: number): Promise<VelocityTotals[]> {
    if (deltas.length === 0) return [];
    const counts = deltas.flatMap((d) => [
      { w: "t", b: d.tenBucket, h: d.recipientHash, c: d.ten },
      { w: "h", b: d.hourBucket, h: d.recipientHash, c: d.hour },
      { w: "d", b: d.dayBucket, h: d.recipientHash, c: d.day },
    ]);
    const totals = resultRows<{ window: string; bucket: string | number; recipient_hash: string; count: number }>(
      await this.db.execute(sql`
        insert into velocity_counters ("window", bucket, recipient_hash, count)
        select x.w, x.b, x.h, x.c from jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) as x(w text, b bigint, h text, c int)
        on conflict ("window", bucket, recipient_hash) do update set count = velocity_counters.count + excluded.count
        returning "window", bucket, recipient_hash, count`),
    );
    const added = deltas.flatMap((d) => d.enterprises.map((e) => ({ b: d.hourBucket, h: d.recipientHash, e })));
    if (added.length) {
      await this.db.execute(sql`
        insert into velocity_enterprises (bucket, recipient_hash, enterprise_id)
        select x.b, x.h, x.e from jsonb_to_recordset(${JSON.stringify(added)}::jsonb) as x(b bigint, h text, e uuid)
        on conflict do nothing`);
    }
    const keys = deltas.map((d) => ({ b: d.hourBucket, h: d.recipientHash }));
    const members = resultRows<{ bucket: string | number; recipient_hash: string; enterprise_id: string }>(
      await this.db.execute(sql`
        select v.bucket, v.recipient_hash, v.enterprise_id::text as enterprise_id from velocity_enterprises v
        join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(b bigint, h text) on v.bucket = x.b and v.recipient_hash = x.h`),
    );
    const total = new Map(totals.map((row) => [`${row.window}|${Number(row.bucket)}|${row.recipient_hash}`, Number(row.count)]));
    const sets = new Map<string, string[]>();
    for (const row of members) {
      const key = `${Number(row.bucket)}|${row.recipient_hash}`;
      let list = sets.get(key);
      if (!list) sets.set(key, (list = []));
      list.push(row.enterprise_id);
    }
    await this.cleanup(at);
    return deltas.map((d) => ({
      ten: total.get(`t|${d.tenBucket}|${d.recipientHash}`) ?? d.ten,
      hour: total.get(`h|${d.hourBucket}|${d.recipientHash}`) ?? d.hour,
      day: total.get(`d|${d.dayBucket}|${d.recipientHash}`) ?? d.day,
      enterprises: sets.get(`${d.hourBucket}|${d.recipientHash}`) ?? [],
    }));
  }

  private async cleanup(at: number): Promise<void> {
    if (at - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = at;
    const now = bucketsAt(at);
    await this.db.execute(sql`
      delete from velocity_counters where ("window" = 't' and bucket < ${now.ten - 1}) or ("window" = 'h' and bucket < ${now.hour - 1}) or ("window" = 'd' and bucket < ${now.day - 1})`);
    await this.db.execute(sql`delete from velocity_enterprises where bucket < ${now.hour - 1}`);
  }

  async close(): Promise<void> {}
}
