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
  for (const thread of threadsNow().values()) byName[thread.name] = (byName[thread.name] ?? 0) + thread.us;
  return byName;
}

/** Each live thread's name and CPU microseconds, by thread id. */
function threadsNow(): Map<string, { name: string; us: number }> {
  const threads = new Map<string, { name: string; us: number }>();
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return threads;
  }
  const tickUs = 1e6 / 100; // USER_HZ is 100 on Linux
  for (const task of tasks) {
    // Undefined when the thread ended between the listing and the read.
    const stat = procStat(`/proc/self/task/${task}/stat`);
    if (stat) threads.set(task, { name: task === String(process.pid) ? "main" : stat.name, us: (Number(stat.fields[11]) + Number(stat.fields[12])) * tickUs });
  }
  return threads;
}

/**
 * A /proc `stat` file: the name between the parentheses, and the fields after them (index 11 is
 * utime, 12 stime, 13 cutime, 14 cstime, in ticks; 1 the parent's pid). Undefined when it is gone.
 */
export function procStat(path: string): { name: string; fields: string[] } | undefined {
  try {
    const stat = readFileSync(path, "latin1");
    const close = stat.lastIndexOf(")");
    return { name: stat.slice(stat.indexOf("(") + 1, close), fields: stat.slice(close + 2).split(" ") };
  } catch {
    return undefined;
  }
}

/**
 * CPU by thread name over a span in which threads start and end (a load's worker threads): each
 * sample() remembers every thread's last reading, so an ended thread keeps what it had used by
 * the last sample before it ended.
 */
export class ThreadCpuTracker {
  private readonly start = threadsNow();
  private readonly last = new Map<string, { name: string; us: number }>();

  sample(): void {
    for (const [tid, thread] of threadsNow()) this.last.set(tid, thread);
  }

  /** Seconds per thread name since the tracker was made, rounded to 0.01 s; names under 0.05 s left out. */
  secondsByName(): Record<string, number> {
    this.sample();
    const byName: Record<string, number> = {};
    for (const [tid, thread] of this.last) byName[thread.name] = (byName[thread.name] ?? 0) + thread.us - (this.start.get(tid)?.us ?? 0);
    return Object.fromEntries(Object.entries(byName).filter(([, us]) => us >= 5e4).map(([name, us]) => [name, Math.round(us / 1e4) / 100]));
  }
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

/**
 * Microseconds this process's main (JavaScript) thread has spent runnable but waiting for a core,
 * from /proc/self/schedstat's second field (0 where Linux's scheduler statistics are missing).
 * Where a latency tail is the machine's, not the process's: on two cores shared by the load
 * generator, the simulator, the gateway and PostgreSQL, a wakeup can wait for a time slice.
 */
export function mainThreadRunWaitUs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "latin1").split(" ");
    return Number(fields[1]) / 1000;
  } catch {
    return 0;
  }
}

/** The whole machine's CPU time so far, busy and in all, in clock ticks (/proc/stat's first line; zeros elsewhere). */
export function machineCpuTicks(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "latin1").slice(0, 200).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    // idle and iowait are the machine waiting; the rest (user, nice, system, irq, softirq, steal) is busy.
    return { busy: total - fields[3]! - fields[4]!, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
