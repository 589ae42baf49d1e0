/** A child process that speaks one JSON line per answer on stdout and takes commands on stdin. */
import type { Subprocess } from "bun";
import { setDefaultSocketApi, socketApi, type SocketApi } from "../../src/lib/byte-stream.ts";

export class LineChild {
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];
  private exitCode: number | undefined;

  private constructor(private readonly process: Subprocess<"pipe", "pipe", "inherit">) {
    void this.read();
    void process.exited.then((code) => {
      this.exitCode = code;
      for (const waiter of this.waiters.splice(0)) waiter(JSON.stringify({ exited: code }));
    });
  }

  /**
   * `runtimeArgs` go to bun itself, e.g. ["--cpu-prof", "--cpu-prof-dir=…"] to profile the child.
   * `BENCH_GATEWAY_ENV` ("NAME=value,NAME=value") is added to the gateway's environment only (the
   * proxy process, not the simulator or the generator): to try JavaScriptCore's collector options
   * (`BUN_JSC_…`) on the gateway alone. `BENCH_GATEWAY_CPUS` and `BENCH_OTHERS_CPUS` (taskset
   * lists, see pinCpus) start the gateway and every other child on those cores only.
   */
  static spawn(script: string, args: string[] = [], runtimeArgs: string[] = []): LineChild {
    const gateway = script.endsWith("proxy-process.ts");
    const extra = gateway ? gatewayEnv() : {};
    const cpus = gateway ? process.env.BENCH_GATEWAY_CPUS : process.env.BENCH_OTHERS_CPUS;
    const command = [process.execPath, ...runtimeArgs, script, ...args];
    return new LineChild(Bun.spawn(cpus ? ["taskset", "-c", cpus, ...command] : command, { stdin: "pipe", stdout: "pipe", stderr: "inherit", env: { ...process.env, ...extra } }));
  }

  get pid(): number {
    return this.process.pid;
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of this.process.stdout) {
      buffered += decoder.decode(chunk);
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line.startsWith("{")) continue;
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    }
  }

  /** The next JSON line. */
  next<T>(timeoutMs = 120_000): Promise<T> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line) as T);
    if (this.exitCode !== undefined) return Promise.reject(new Error(`child exited with ${this.exitCode}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("child did not answer in time")), timeoutMs);
      this.waiters.push((l) => {
        clearTimeout(timer);
        const parsed = JSON.parse(l) as T & { exited?: number };
        if (parsed.exited !== undefined) reject(new Error(`child exited with ${parsed.exited}`));
        else resolve(parsed);
      });
    });
  }

  async ask<T>(command: string, timeoutMs?: number): Promise<T> {
    this.process.stdin.write(`${command}\n`);
    this.process.stdin.flush();
    return this.next<T>(timeoutMs);
  }

  async stop(): Promise<void> {
    try {
      this.process.stdin.write("stop\n");
      this.process.stdin.flush();
      this.process.stdin.end();
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.process.kill(), 15_000);
    await this.process.exited;
    clearTimeout(timer);
  }
}

/** Bun's CPU profiler flags for a measured child process when BENCH_PROFILE_DIR is set (the gateway, the registry's load). */
export function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${dir}`] : [];
}

function gatewayEnv(): Record<string, string> {
  const spec = process.env.BENCH_GATEWAY_ENV;
  if (!spec) return {};
  // Split at each pair's first "=": a value may hold more.
  return Object.fromEntries(spec.split(",").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

/**
 * `BENCH_OTHERS_CPUS` (a taskset list, "0"): this process (the load generators) and, through
 * LineChild.spawn, every child but the gateway run on those cores; with `BENCH_GATEWAY_CPUS` ("1")
 * the gateway gets the rest to itself. On a machine of two cores the load generator, the simulator
 * and the gateway otherwise queue for the same two, and the latency tail is partly that queueing:
 * pinned, what the proxy adds is measured as on a host of its own. PostgreSQL is not pinned.
 */
export function pinCpus(): void {
  const cpus = process.env.BENCH_OTHERS_CPUS;
  if (!cpus) return;
  const pinned = Bun.spawnSync(["taskset", "-a", "-c", "-p", cpus, String(process.pid)]);
  if (pinned.exitCode !== 0) throw new Error(`BENCH_OTHERS_CPUS=${cpus}: taskset failed: ${pinned.stderr.toString()}`);
}

/**
 * `SOCKET_API` ("bun" or "node") for the bench's own processes (the load generators, the
 * simulator), as the gateway takes it from its configuration; `BENCH_GATEWAY_ENV=SOCKET_API=node`
 * changes the gateway's alone. Returns what this process uses.
 */
export function benchSockets(): SocketApi {
  setDefaultSocketApi(apiNamed(process.env.SOCKET_API));
  return socketApi();
}

/** What the gateway runs on: its own environment's SOCKET_API, as for every process. */
export function gatewaySockets(): SocketApi {
  return socketApi(apiNamed(gatewayEnv().SOCKET_API ?? process.env.SOCKET_API));
}

/** SOCKET_API as the gateway's configuration reads it: "node", else the default "bun". */
const apiNamed = (value: string | undefined): SocketApi => (value === "node" ? "node" : "bun");

/**
 * Calls `send(i)` for i = 0 … total − 1 at `rate` a second (each call its own, timer-driven in 1 ms
 * steps); resolves once the last is made. A `send` that returns false made nothing (a full window):
 * the step ends there and the same i is tried again on the next.
 */
export function paced(rate: number, total: number, send: (index: number) => boolean | void): Promise<void> {
  let sent = 0;
  const started = performance.now();
  return new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) if (send(sent) === false) break;
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}
