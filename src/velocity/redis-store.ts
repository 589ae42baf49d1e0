import { Redis } from "ioredis";
import type { VelocityDelta, VelocityStore, VelocityTotals } from "./store.ts";
import { WINDOW_TTL_SECONDS } from "./windows.ts";

/**
 * Velocity counters in Redis: INCRBY per window key (with its expiry) and a set of enterprises per
 * recipient and hour, every recipient of a flush in one pipeline (one round-trip). Keys carry only
 * the recipient's keyed hash, never the number.
 */
export class RedisVelocityStore implements VelocityStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = "gk:velocity:",
  ) {
    // One flush at a time is in flight (velocity-counters.ts), so the offline queue holds at most
    // one pipeline while connecting; with Redis away it fails after one retry, and the proxy keeps
    // its local counts and sends them with the next flush.
    this.redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    this.redis.on("error", () => {}); // reported by the failing flush instead
  }

  async exchange(deltas: readonly VelocityDelta[]): Promise<VelocityTotals[]> {
    if (deltas.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const delta of deltas) {
      const base = `${this.prefix}${delta.recipientHash}`;
      pipeline.incrby(`${base}:t:${delta.tenBucket}`, delta.ten).expire(`${base}:t:${delta.tenBucket}`, WINDOW_TTL_SECONDS.ten);
      pipeline.incrby(`${base}:h:${delta.hourBucket}`, delta.hour).expire(`${base}:h:${delta.hourBucket}`, WINDOW_TTL_SECONDS.hour);
      pipeline.incrby(`${base}:d:${delta.dayBucket}`, delta.day).expire(`${base}:d:${delta.dayBucket}`, WINDOW_TTL_SECONDS.day);
      const enterprises = `${base}:e:${delta.hourBucket}`;
      if (delta.enterprises.length) pipeline.sadd(enterprises, ...delta.enterprises).expire(enterprises, WINDOW_TTL_SECONDS.hour);
      pipeline.smembers(enterprises);
    }
    const results = (await pipeline.exec()) ?? [];
    const out: VelocityTotals[] = [];
    let i = 0;
    for (const delta of deltas) {
      const value = (offset: number) => {
        const [error, result] = results[i + offset] ?? [new Error("missing pipeline result"), null];
        if (error) throw error;
        return result;
      };
      const ten = Number(value(0));
      const hour = Number(value(2));
      const day = Number(value(4));
      const membersAt = delta.enterprises.length ? 8 : 6;
      out.push({ ten, hour, day, enterprises: value(membersAt) as string[] });
      i += membersAt + 1;
    }
    return out;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
