/**
 * SMSC message ids in the forms real SMSCs use. The same number may appear as uppercase hex in
 * submit_sm_resp and as decimal in the receipt's `id:` field; leading zeros and letter case vary.
 * These mismatches are the commonest receipt-matching bug in gateways (Jasmin's DLRMapNotFound),
 * so the simulator can produce each of them on purpose.
 */
export type MessageIdFormat = "hex" | "hex-lower" | "hex-unpadded" | "decimal" | "decimal-padded";

export function formatMessageId(n: number, format: MessageIdFormat): string {
  switch (format) {
    case "hex":
      return n.toString(16).toUpperCase().padStart(8, "0");
    case "hex-lower":
      return n.toString(16).padStart(8, "0");
    case "hex-unpadded":
      return n.toString(16).toUpperCase();
    case "decimal":
      return n.toString(10);
    case "decimal-padded":
      return n.toString(10).padStart(10, "0");
  }
}

/** A per-simulator counter (no module state): ids are unique within one simulator run. */
export class MessageIdSequence {
  private next: number;
  constructor(first: number) {
    this.next = first;
  }
  take(): number {
    const n = this.next;
    this.next = this.next >= 0xffffffff ? 1 : this.next + 1;
    return n;
  }
}
