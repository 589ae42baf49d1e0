import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Esme } from "../../helpers/esme.ts";
import { waitFor } from "../../helpers/wait.ts";

/** The mix the fault tests send: one accepted verification message, then two refusals. */
export const ACCEPTED = { source_addr: "1069000101", service_type: "VER", data_coding: 8, short_message: { message: "【云端科技】您的验证码是482913，5分钟内有效。" } };
/** SP A carries no contract for 星河银行: sublet_no_contract. */
export const REFUSED = { source_addr: "10690001", data_coding: 8, short_message: { message: "【星河银行】您尾号1234的账户于今日入账500元。" } };

export interface MixCounts {
  sent: number;
  accepted: number;
  refused: number;
  /** Answers that were not what the snapshot says (an accepted refusal, a refused acceptable). */
  wrong: number;
}

export function emptyCounts(): MixCounts {
  return { sent: 0, accepted: 0, refused: 0, wrong: 0 };
}

/** Sends `messages` in waves of `wave` concurrent submits; every third one is acceptable. */
export async function sendMix(esme: Esme, messages: number, counts: MixCounts, options: { wave?: number; refusedStatus: number; recipientBase?: number }): Promise<void> {
  const wave = options.wave ?? 30;
  for (let i = 0; i < messages; i += wave) {
    const jobs: Promise<void>[] = [];
    for (let j = i; j < Math.min(messages, i + wave); j++) {
      const acceptable = j % 3 === 0;
      const destination = `1380${String((options.recipientBase ?? 0) + counts.sent + (j - i)).padStart(7, "0")}`;
      jobs.push(
        esme.submit({ ...(acceptable ? ACCEPTED : REFUSED), destination_addr: destination }).then((result) => {
          if (result.status === 0) counts.accepted++;
          else counts.refused++;
          if (acceptable ? result.status !== 0 : result.status !== options.refusedStatus) counts.wrong++;
        }),
      );
    }
    await Promise.all(jobs);
    counts.sent += jobs.length;
  }
}

export function add(...all: MixCounts[]): MixCounts {
  return all.reduce((sum, c) => ({ sent: sum.sent + c.sent, accepted: sum.accepted + c.accepted, refused: sum.refused + c.refused, wrong: sum.wrong + c.wrong }), emptyCounts());
}

export { waitFor };

export function spoolLines(dataDir: string): number {
  const dir = join(dataDir, "spool");
  let lines = 0;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) lines += readFileSync(join(dir, name), "utf8").split("\n").filter(Boolean).length;
  return lines;
}
