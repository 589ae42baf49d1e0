/** The response frame that refuses a request with a Status/Result and nothing else. */
import { CommandId, VERSION_2_0, VERSION_3_0, majorOf, type CmppVersion } from "../wire/constants.ts";
import { encodeCancelResp, encodeConnectResp, encodeDeliverResp, encodeSubmitResp } from "../wire/encode.ts";
import { readUint32 } from "../wire/framer.ts";

const zeroAuth = () => new Uint8Array(16);

/**
 * CONNECT: answered in the layout of the version the SP asked for (its Version byte, offset 34,
 * when present), with our version byte and an empty AuthenticatorISMG. SUBMIT: Msg_Id 0.
 * DELIVER: the request's own Msg_Id echoed. CANCEL: Success_Id. Other requests have no refusal: undefined.
 */
export function refusalFrame(frame: Uint8Array, sequenceId: number, sessionVersion: CmppVersion, result: number): Uint8Array | undefined {
  const commandId = frame.length >= 8 ? readUint32(frame, 4) : 0;
  if (commandId === CommandId.CONNECT) {
    const version: CmppVersion = majorOf(frame[34] ?? VERSION_2_0) >= 3 ? 3 : 2;
    return encodeConnectResp(sequenceId, version, { status: result, authenticatorIsmg: zeroAuth(), version: version === 3 ? VERSION_3_0 : VERSION_2_0 });
  }
  if (commandId === CommandId.SUBMIT) return encodeSubmitResp(sequenceId, sessionVersion, 0n, result);
  if (commandId === CommandId.CANCEL) return encodeCancelResp(sequenceId, sessionVersion, result);
  if (commandId === CommandId.DELIVER) {
    const msgId = frame.length >= 20 ? (BigInt(readUint32(frame, 12)) << 32n) | BigInt(readUint32(frame, 16)) : 0n;
    return encodeDeliverResp(sequenceId, sessionVersion, msgId, result);
  }
  return undefined;
}
