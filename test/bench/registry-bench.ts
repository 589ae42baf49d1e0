/**
 * Registry at national scale: seed a world of the given scale, then let registry-process.ts load
 * it, time decisions and a change through the feed, in its own process.
 */
import { join } from "node:path";
import { createBenchDatabase } from "./databases.ts";
import { seedRegistry, type Scale } from "./registry-seed.ts";

export interface RegistryResult {
  scale: string;
  seed_s: number;
  [key: string]: unknown;
}

export async function runRegistryBench(scale: Scale, log: (line: string) => void): Promise<RegistryResult> {
  const bench = await createBenchDatabase(`reg_${scale.name}`);
  try {
    const database = await bench.open();
    await database.migrate();
    const started = performance.now();
    await seedRegistry(database, scale, log);
    const seedSeconds = (performance.now() - started) / 1000;
    await database.close();
    log(`registry ${scale.name}: seeded in ${seedSeconds.toFixed(1)} s; loading in a child process`);
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "registry-process.ts"), JSON.stringify({ url: bench.url, dataDir: bench.dataDir, scale })], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const output = await new Response(child.stdout).text();
    const code = await child.exited;
    if (code !== 0) throw new Error(`registry process exited with ${code}: ${output.slice(-500)}`);
    const line = output.trim().split("\n").pop()!;
    return { scale: scale.name, seed_s: Math.round(seedSeconds * 10) / 10, ...(JSON.parse(line) as object) };
  } finally {
    await bench.drop();
  }
}
