/**
 * What the simulator accepted, for fault tests to check exactly-once delivery: a bounded list of
 * recent messages plus unbounded counters by text (so counts survive the list's trimming).
 */
import type { Tlv } from "../wire/tlv.ts";

export interface ReceivedMessage {
  messageId: string;
  systemId: string;
  command: "submit_sm" | "data_sm" | "submit_multi";
  sourceAddr: string;
  destinationAddr: string;
  text: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  tlvs: readonly Tlv[];
  at: number;
}

export class ReceivedLog {
  private readonly list: ReceivedMessage[] = [];
  private readonly byText = new Map<string, number>();
  private total = 0;

  constructor(private readonly limit: number) {}

  add(message: ReceivedMessage): void {
    this.total++;
    this.byText.set(message.text, (this.byText.get(message.text) ?? 0) + 1);
    if (this.limit <= 0) return;
    this.list.push(message);
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
  }

  /** Messages accepted in total (not bounded by the list limit). */
  get count(): number {
    return this.total;
  }

  /** The most recent messages, oldest first (at most `limit`). */
  all(): readonly ReceivedMessage[] {
    return this.list;
  }

  /** How many accepted messages had exactly this text. */
  countByText(text: string): number {
    return this.byText.get(text) ?? 0;
  }

  /** Counts over the kept list grouped by any key (destination, system_id, a token in the text…). */
  countBy(key: (message: ReceivedMessage) => string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.list) {
      const k = key(message);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  clear(): void {
    this.list.length = 0;
    this.byText.clear();
    this.total = 0;
  }
}
