import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The gateway as operators run it: `bun src/main.ts` in its own process, configured by the
 * environment, stopped by a signal. Fault tests use it to SIGTERM and SIGKILL a real process.
 */
export interface ChildGateway {
  process: ChildProcess;
  httpUrl: string;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal: NodeJS.Signals): void;
}

const root = fileURLToPath(new URL("../..", import.meta.url));

export async function startChildGateway(env: Record<string, string>, readyTimeoutMs = 20_000): Promise<ChildGateway> {
  const child = spawn(process.execPath, ["src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const httpUrl = `http://127.0.0.1:${env.HTTP_PORT}`;
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the gateway exited during start-up:\n${output}`);
    if (Date.now() - started > readyTimeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`the gateway was not up within ${readyTimeoutMs} ms:\n${output}`);
    }
    try {
      if ((await fetch(`${httpUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, httpUrl, output: () => output, exited, kill: (signal) => child.kill(signal) };
}
