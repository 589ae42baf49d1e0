/**
 * Registry at national scale: seed a world of the given scale, then let registry-process.ts load
 * it, time decisions and a change through the feed, in its own process.
 */
import { profileFlags } from "./child.ts";
import { join } from "node:path";
import type { Database } from "../../src/db/client.ts";
import { createBenchDatabase } from "./databases.ts";
import { sql } from "drizzle-orm";
import { resultRows } from "../../src/db/rows.ts";
import { seedContent, seedRegistry, type Scale } from "./registry-seed.ts";

export interface RegistryResult {
  scale: string;
  seed_s: number;
  [key: string]: unknown;
}

/** The row `bench_seeded` holds once the world of `scale` is seeded (the world without content, seeded apart). */
export function seededMarker(scale: Scale): string {
  return JSON.stringify({ ...scale, content: undefined });
}

/** A reused world: undo what a last run's change trials did (they suspend seeded signatures; the seed approves all). */
export async function undoChangeTrials(database: Database): Promise<void> {
  await database.db.execute(sql`update signatures set status = 'approved' where status = 'suspended'`);
}

/**
 * `keep` (BENCH_REGISTRY_KEEP=1, PostgreSQL only): seed `bench_reg_<scale>_kept` once, reuse it on
 * later runs (a marker row says which scale it holds) and never drop it. Drop it by hand when the
 * schema or the seed changes.
 */
export async function runRegistryBench(scale: Scale, log: (line: string) => void, options: { keep?: boolean; decideRounds?: number; decidePerRound?: number } = {}): Promise<RegistryResult> {
  const bench = await createBenchDatabase(`reg_${scale.name}`, { keep: options.keep });
  try {
    const database = await bench.openForSetup();
    await database.migrate();
    const marker = seededMarker(scale);
    await database.db.execute(sql`create table if not exists bench_seeded (scale text not null)`);
    const seeded = resultRows<{ scale: string }>(await database.db.execute(sql`select scale from bench_seeded`)).some((row) => row.scale === marker);
    const started = performance.now();
    if (!seeded) {
      await seedRegistry(database, scale, log);
      await database.db.execute(sql`insert into bench_seeded (scale) values (${marker})`);
    }
    // Content came later than the rest of the world: its own marker, so a kept world gains it.
    const contentMarker = `content:${JSON.stringify(scale.content ?? null)}`;
    if (!resultRows<{ scale: string }>(await database.db.execute(sql`select scale from bench_seeded`)).some((row) => row.scale === contentMarker)) {
      await seedContent(database, scale, log);
      await database.db.execute(sql`insert into bench_seeded (scale) values (${contentMarker})`);
    }
    if (seeded) await undoChangeTrials(database);
    const seedSeconds = seeded ? 0 : (performance.now() - started) / 1000;
    await database.close();
    log(`registry ${scale.name}: ${seeded ? "reusing the seeded database" : `seeded in ${seedSeconds.toFixed(1)} s`}; loading in a child process`);
    const child = Bun.spawn([process.execPath, ...profileFlags(), join(import.meta.dir, "registry-process.ts"), JSON.stringify({ url: bench.url, dataDir: bench.dataDir, scale, decideRounds: options.decideRounds, decidePerRound: options.decidePerRound })], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const output = await new Response(child.stdout).text();
    const code = await child.exited;
    if (code !== 0) throw new Error(`registry process exited with ${code}: ${output.slice(-500)}`);
    const line = output.trim().split("\n").pop()!;
    return {
      scale: scale.name,
      seed_s: Math.round(seedSeconds * 10) / 10,
      reused_seed: seeded,
      ...(JSON.parse(line) as object),
    };
  } finally {
    await bench.drop();
  }
}
