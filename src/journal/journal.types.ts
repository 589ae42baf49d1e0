/** The rows a proxy journals, batched; see journal.ts for how a batch is written or spooled. */

export interface RejectionEvent {
  /** A Date or epoch ms (the proxy passes epoch ms: no Date per refusal). */
  at: Date | number;
  reason: string;
  /** True when the rule was in monitor mode: the message passed, the refusal is journaled only. */
  monitor: boolean;
  command: string;
  spId?: string | null;
  accountId?: string | null;
  portId?: string | null;
  sourceAddr?: string | null;
  signatureId?: string | null;
  signatureText?: string | null;
  enterpriseId?: string | null;
  category?: string | null;
  recipientHash?: string | null;
  recipientMask?: string | null;
  /** Already redacted by the caller unless full capture is on. */
  text?: string | null;
  remoteAddress?: string | null;
  /** The rule's detail (registry ids, content rule and category, domain); never a recipient's number. */
  detail?: string | null;
}

export interface TrafficKey {
  day: string;
  spId: string;
  portId: string;
  signatureId: string;
  enterpriseId: string;
  category: string;
}

export interface MessageRoute {
  /** As the SMSC issued it. */
  smscMessageId: string;
  /** Its alias key (lower case, no leading zeros): see src/gateway/message-id.ts. */
  canonicalId?: string;
  /** The id the SP was given, when it differs (submit_multi). */
  spMessageId?: string | null;
  accountId: string;
  spId: string;
  /** A Date or epoch ms (the proxy passes epoch ms: no Date per message). */
  createdAt: Date | number;
}

/** Who last wrote to a recipient (keyed hash) from a port, for attributing a bare "T". */
export interface LastSender {
  recipientHash: string;
  portId: string;
  enterpriseId: string;
  /** A Date or epoch ms. */
  at: Date | number;
}

/** One journal write: its id makes a replayed or late write harmless. */
export interface Batch {
  batchId: string;
  rejections: (RejectionEvent & { eventId: string })[];
  traffic: (TrafficKey & { accepted: number; refused: number })[];
  routes: MessageRoute[];
  /** Absent in batches spooled by older versions. */
  lastSenders?: LastSender[];
}
