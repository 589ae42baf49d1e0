/**
 * PROXY_WORKERS=n: `npm start` becomes a small supervisor that prepares the database once
 * (migrations, the generated PII key: things n processes must not race on) and runs n copies of
 * the gateway, each a proxy process of its own. They all listen on SMPP_PORT with SO_REUSEPORT, so
 * the kernel spreads incoming connections over them; each has its own registry snapshot, journal
 * (instance `<INSTANCE_ID>-w<i>`, its own spool), upstream binds and delivery queue, and enforces
 * 1/(PROXY_INSTANCES × n) of each account's limits. Worker 0 alone serves the admin API, the web
 * console and /metrics, runs the maintenance jobs and the built-in SMSC simulator. A worker that
 * dies is started again after a second; SIGTERM/SIGINT are passed on and waited for.
 */
import type { Subprocess } from "bun";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { resolvePiiKey } from "./settings/settings.service.ts";

export interface WorkerRole {
  index: number;
  count: number;
}

/** This process's place among the workers, or undefined when PROXY_WORKERS is 1. */
export function workerRole(config: Config): WorkerRole | undefined {
  if (config.PROXY_WORKERS <= 1) return undefined;
  return { index: config.PROXY_WORKER_INDEX ?? 0, count: config.PROXY_WORKERS };
}

/** True for the supervisor: several workers asked for, and this process is not one of them. */
export function isSupervisor(config: Config): boolean {
  return config.PROXY_WORKERS > 1 && config.PROXY_WORKER_INDEX === undefined;
}

export async function runWorkers(config: Config, script: string, log: (line: string) => void = console.log): Promise<void> {
  const database = await openDatabase({ url: config.DATABASE_URL, poolSize: 2 });
  try {
    await database.migrate();
    await resolvePiiKey(database.db, config.PII_KEY);
  } finally {
    await database.close();
  }
  const workers: (Subprocess | undefined)[] = [];
  let stopping = false;
  const start = (index: number) => {
    const child = Bun.spawn([process.execPath, script], {
      env: { ...process.env, PROXY_WORKER_INDEX: String(index) },
      stdio: ["ignore", "inherit", "inherit"],
    });
    workers[index] = child;
    void child.exited.then((code) => {
      if (stopping) return;
      log(`worker ${index} exited with ${code}; starting it again in 1 s`);
      setTimeout(() => !stopping && start(index), 1000);
    });
  };
  // Worker 0 first: it runs the simulator the others bind to and issues the bootstrap token.
  start(0);
  for (let index = 1; index < config.PROXY_WORKERS; index++) start(index);
  log(`supervisor: ${config.PROXY_WORKERS} proxy workers sharing SMPP port ${config.SMPP_PORT}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const worker of workers) worker?.kill(signal);
      void Promise.all(workers.map((worker) => worker?.exited)).then(() => resolve());
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
}
