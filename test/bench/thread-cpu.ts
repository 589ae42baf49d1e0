/**
 * CPU time per thread kind of this process, from Linux's /proc/self/task (empty elsewhere). A
 * Bun process spends CPU off its JavaScript thread too: JavaScriptCore compiles on "JITWorker"
 * threads and collects on "HeapHelper" ones; the bench reports the split so a figure per message
 * can be read as the gateway's own work, compilation and collection.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Microseconds of CPU (user + system) per thread name, threads of one name summed. */
export function threadCpuUs(): Record<string, number> {
  const byName: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return byName;
  }
  const tickUs = 1e6 / 100; // USER_HZ is 100 on Linux
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "latin1");
      const close = stat.lastIndexOf(")");
      const name = task === String(process.pid) ? "main" : stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * tickUs;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/** after − before per thread name, per message, rounded; names under 0.5 µs left out. */
export function threadCpuPerMessage(before: Record<string, number>, after: Record<string, number>, messages: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, us] of Object.entries(after)) {
    const perMessage = (us - (before[name] ?? 0)) / Math.max(1, messages);
    if (perMessage >= 0.5) out[name] = Math.round(perMessage * 10) / 10;
  }
  return out;
}
