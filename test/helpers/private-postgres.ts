import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A private PostgreSQL cluster for fault tests: its own data directory, its own port, trust auth,
 * and nobody else connected to it — so a test may stop and restart the server under load without
 * disturbing other tests. When the tests run as root, the server runs as the `postgres` OS user
 * (PostgreSQL refuses to run as root).
 */
export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Fast shutdown: every client connection is cut, like a server going away. */
  stop(): void;
  start(): void;
  restart(): void;
  running(): boolean;
  destroy(): void;
}

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (id.status !== 0) throw new Error("running as root needs a `postgres` OS user to run the private cluster");
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  const result = user
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8", timeout: 60_000 })
    : spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const user = postgresUser();
  const root = mkdtempSync(join(tmpdir(), "gk-private-pg-"));
  const dataDir = join(root, "data");
  if (user) {
    chmodSync(root, 0o755);
    chownSync(root, user.uid, user.gid);
  }
  run(join(BIN, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"], user);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  let up = false;
  const pg = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      run(join(BIN, "pg_ctl"), ["-D", dataDir, "-o", options, "-l", join(root, "server.log"), "-w", "-t", "30", "start"], user);
      up = true;
    },
    stop() {
      run(join(BIN, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"], user);
      up = false;
    },
    restart() {
      if (up) pg.stop();
      pg.start();
    },
    running: () => up,
    destroy() {
      try {
        if (up) pg.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  pg.start();
  return pg;
}
