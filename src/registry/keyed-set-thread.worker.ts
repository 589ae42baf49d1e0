/**
 * A keyed-set thread (keyed-set-threads.ts is the other side): one message in, a KeyedSetJob; one
 * message out, the sets it built (their arrays transferred) or the error that stopped it.
 */
import { joinSnapshot } from "../db/snapshot-reader.ts";
import { KEYED_SETS, loadRange, presizedKeyedSet } from "./keyed-sets.ts";
import type { KeyedSetJob, KeyedSetReply } from "./keyed-set-threads.ts";

declare const self: Worker;

async function build(job: KeyedSetJob): Promise<Extract<KeyedSetReply, { built: unknown }>> {
  const reader = await joinSnapshot(job.shared);
  try {
    const built = [];
    for (const wanted of job.sets) {
      const source = KEYED_SETS.find((each) => each.name === wanted.name);
      if (!source) throw new Error(`no keyed set named ${wanted.name}`);
      const set = presizedKeyedSet(source, wanted.expected);
      for (const range of wanted.ranges) await loadRange(reader, set, { source, asOf: job.asOf, ...range });
      built.push({ name: wanted.name, parts: set.parts() });
    }
    return { built };
  } finally {
    await reader.close();
  }
}

self.onmessage = async (event: MessageEvent<KeyedSetJob>) => {
  try {
    const reply = await build(event.data);
    const transfer = reply.built.flatMap(({ parts }) => [parts.slots.buffer, ...(parts.values ? [parts.values.buffer] : [])]) as ArrayBuffer[];
    self.postMessage(reply, transfer);
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies KeyedSetReply);
  }
};
