/**
 * How a CMPP message's receipt route is marked. Routes are shared by every proxy and survive
 * restarts (the journal's receipt_routes table, column sp_message_id); a CMPP route stores
 * `cmpp:<Msg_Id in decimal>:<Src_Id>` there, so any proxy that later receives the SMSC's receipt
 * knows it goes to a CMPP SP, with which Msg_Id, and from which Src_Id (the report's Dest_Id).
 */
const PREFIX = "cmpp:";

export const cmppRouteId = (msgId: bigint, srcId: string) => `${PREFIX}${msgId.toString(10)}:${srcId}`;

export function parseCmppRouteId(spMessageId: string | null | undefined): { msgId: bigint; srcId: string } | undefined {
  if (!spMessageId?.startsWith(PREFIX)) return undefined;
  const match = /^cmpp:(\d{1,20}):([\x21-\x7e]{0,21})$/.exec(spMessageId);
  if (!match) return undefined;
  const msgId = BigInt(match[1]!);
  return msgId <= 0xffffffffffffffffn ? { msgId, srcId: match[2]! } : undefined;
}
