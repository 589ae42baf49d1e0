/**
 * A CMPP DELIVER as stored in pending_deliveries while its SP is not connected: version-neutral
 * (the SP may come back over 2.0 or 3.0), as JSON behind a marker, so a row can never be mistaken
 * for an SMPP frame (those are stored under SMPP accounts and SPs' MO lanes, never a CMPP account).
 */
import type { DeliverFields } from "../wire/encode.ts";

const MARKER = "CMPP-DELIVER/1 ";

interface Stored {
  msgId: string;
  destId: string;
  serviceId: string;
  tpPid: number;
  tpUdhi: number;
  msgFmt: number;
  srcTerminalId: string;
  registeredDelivery: number;
  content?: string;
  report?: { msgId: string; stat: string; submitTime: string; doneTime: string; destTerminalId: string; smscSequence: number };
}

export function encodeHeld(message: DeliverFields): Uint8Array {
  const stored: Stored = {
    msgId: message.msgId.toString(), destId: message.destId, serviceId: message.serviceId, tpPid: message.tpPid, tpUdhi: message.tpUdhi,
    msgFmt: message.msgFmt, srcTerminalId: message.srcTerminalId, registeredDelivery: message.registeredDelivery,
    content: message.msgContent ? Buffer.from(message.msgContent).toString("base64") : undefined,
    report: message.report ? { ...message.report, msgId: message.report.msgId.toString() } : undefined,
  };
  return new Uint8Array(Buffer.from(MARKER + JSON.stringify(stored)));
}

/** The stored DELIVER, or undefined for a row this version cannot read. */
export function decodeHeld(bytes: Uint8Array): DeliverFields | undefined {
  const text = Buffer.from(bytes).toString("utf8");
  if (!text.startsWith(MARKER)) return undefined;
  try {
    const s = JSON.parse(text.slice(MARKER.length)) as Stored;
    return {
      msgId: BigInt(s.msgId), destId: s.destId, serviceId: s.serviceId, tpPid: s.tpPid, tpUdhi: s.tpUdhi, msgFmt: s.msgFmt,
      srcTerminalId: s.srcTerminalId, registeredDelivery: s.registeredDelivery,
      msgContent: s.content === undefined ? undefined : new Uint8Array(Buffer.from(s.content, "base64")),
      report: s.report ? { ...s.report, msgId: BigInt(s.report.msgId) } : undefined,
    };
  } catch {
    return undefined;
  }
}
