/**
 * Cross-implementation checks: node-smpp encodes, we decode; we encode, node-smpp decodes.
 * Two independent readings of SMPP 3.4 agreeing on the bytes.
 */
import smpp from "smpp";
import { describe, expect, it } from "vitest";
import {
  CommandId, CommandStatus, decodePdu, encodeBind, encodeBindResp, encodeDeliverSm, encodeMessageIdResp, encodeSubmitMulti,
  encodeSubmitMultiResp, encodeSubmitSm, messagePayload, messageState, networkErrorCode, receiptedMessageId, rewriteSequence,
  sarInfo, sourcePort, tlvBytes, tlvCString, tlvUint, TlvTag, userMessageReference, type Pdu,
} from "../../../smpp/wire/index.ts";
import { ucs2 } from "../../helpers/raw-peer.ts";

const text = "【示例科技】您的验证码是483920，5分钟内有效。";

function ours(bytes: Uint8Array): Pdu {
  const decoded = decodePdu(bytes);
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.pdu;
}
const theirs = (bytes: Uint8Array) => new smpp.PDU(Buffer.from(bytes));

describe("codec against node-smpp", () => {
  it("decodes node-smpp's submit_sm with UCS-2 Chinese text and SAR TLVs", () => {
    const bytes: Buffer = new smpp.PDU("submit_sm", {
      sequence_number: 42, service_type: "CMT", source_addr_ton: 0, source_addr_npi: 1, source_addr: "1069000012345",
      dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000001", registered_delivery: 1, data_coding: 8,
      short_message: Buffer.from(ucs2(text)), sar_msg_ref_num: 0x1234, sar_total_segments: 2, sar_segment_seqnum: 1,
      user_message_reference: 77, source_port: 9200,
    }).toBuffer();
    const pdu = ours(bytes);
    expect(pdu.command).toBe("submit_sm");
    if (pdu.command !== "submit_sm") return;
    expect(pdu.sequenceNumber).toBe(42);
    expect(pdu.body).toMatchObject({ serviceType: "CMT", sourceAddrNpi: 1, sourceAddr: "1069000012345", destAddrTon: 1, destinationAddr: "13800000001", registeredDelivery: 1, dataCoding: 8 });
    expect(Buffer.from(pdu.body.shortMessage).swap16().toString("utf16le")).toBe(text);
    expect(sarInfo(pdu.body.tlvs)).toEqual({ refNum: 0x1234, totalSegments: 2, segmentSeqnum: 1 });
    expect(userMessageReference(pdu.body.tlvs)).toBe(77);
    expect(sourcePort(pdu.body.tlvs)).toBe(9200);
  });

  it("encodes submit_sm that node-smpp reads field for field, vendor TLV included", () => {
    const bytes = encodeSubmitSm(9, {
      sourceAddr: "106900001234", destAddrTon: 1, destAddrNpi: 1, destinationAddr: "13800000002", esmClass: 0,
      registeredDelivery: 1, dataCoding: 8, validityPeriod: "000001000000000R", shortMessage: ucs2(text),
      tlvs: [tlvUint(TlvTag.user_message_reference, 2, 5), tlvBytes(0x1401, new Uint8Array([1, 2, 3]))],
    });
    const pdu = theirs(bytes);
    expect(pdu.command).toBe("submit_sm");
    expect(pdu.sequence_number).toBe(9);
    expect(pdu.source_addr).toBe("106900001234");
    expect(pdu.destination_addr).toBe("13800000002");
    expect(pdu.short_message.message).toBe(text);
    expect(pdu.user_message_reference).toBe(5);
    expect([...pdu[0x1401]]).toEqual([1, 2, 3]);
  });

  it("rewriteSequence changes only the sequence number and keeps vendor TLVs byte for byte", () => {
    const original = encodeSubmitSm(5, { destinationAddr: "13800000003", shortMessage: ucs2("退订回T"), tlvs: [tlvBytes(0x1402, new Uint8Array([9, 9]))] });
    const forwarded = rewriteSequence(original, 0x7fffffff);
    expect(forwarded).not.toBe(original);
    expect(Buffer.from(forwarded.subarray(16))).toEqual(Buffer.from(original.subarray(16)));
    expect(Buffer.from(forwarded.subarray(0, 12))).toEqual(Buffer.from(original.subarray(0, 12)));
    const pdu = ours(forwarded);
    expect(pdu.sequenceNumber).toBe(0x7fffffff);
    if (pdu.command === "submit_sm") expect(pdu.body.tlvs).toEqual([{ tag: 0x1402, value: new Uint8Array([9, 9]) }]);
  });

  it("agrees on bind_transceiver and bind_transceiver_resp", () => {
    const theirBind = new smpp.PDU("bind_transceiver", { sequence_number: 1, system_id: "sp_alpha", password: "s3cret", system_type: "VMA", addr_ton: 1, addr_npi: 1, address_range: "1069*" }).toBuffer();
    const bind = ours(theirBind);
    expect(bind.command).toBe("bind_transceiver");
    expect(bind.body).toEqual({ systemId: "sp_alpha", password: "s3cret", systemType: "VMA", interfaceVersion: 0x50, addrTon: 1, addrNpi: 1, addressRange: "1069*" });
    const ourBind = theirs(encodeBind("transceiver", 3, { systemId: "sp_beta", password: "pw" }));
    expect(ourBind).toMatchObject({ command: "bind_transceiver", sequence_number: 3, system_id: "sp_beta", password: "pw", interface_version: 0x34 });
    const resp = theirs(encodeBindResp(CommandId.bind_transceiver, 3, 0, "GATEKEEPER"));
    expect(resp).toMatchObject({ command: "bind_transceiver_resp", command_status: 0, system_id: "GATEKEEPER", sc_interface_version: 0x34 });
    expect(theirs(encodeBindResp(CommandId.bind_transmitter, 4, CommandStatus.ESME_RINVPASWD, ""))).toMatchObject({ command: "bind_transmitter_resp", command_status: 0x0e });
  });

  it("agrees on submit_multi with SME addresses and a distribution list", () => {
    const theirMulti = new smpp.PDU("submit_multi", {
      sequence_number: 8, source_addr: "106900001234", data_coding: 8, short_message: Buffer.from(ucs2("【示例】通知")),
      dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000004" }, { dl_name: "vip-list" }],
    }).toBuffer();
    const pdu = ours(theirMulti);
    if (pdu.command !== "submit_multi") throw new Error("expected submit_multi");
    expect(pdu.body.destinations).toEqual([{ kind: "sme", ton: 1, npi: 1, address: "13800000004" }, { kind: "distribution_list", name: "vip-list" }]);
    const ourMulti = theirs(encodeSubmitMulti(9, {
      sourceAddr: "106900001234", dataCoding: 8, shortMessage: ucs2("【示例】通知"),
      destinations: [{ kind: "sme", ton: 1, npi: 1, address: "13800000005" }, { kind: "distribution_list", name: "team" }],
    }));
    expect(ourMulti.dest_address).toEqual([{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000005" }, { dl_name: "team" }]);
    expect(ourMulti.short_message.message).toBe("【示例】通知");
    // And our own decoder reads it back exactly (it used to carry 2 stray octets after sm_length's bytes).
    const back = ours(encodeSubmitMulti(10, { sourceAddr: "106900001234", dataCoding: 8, shortMessage: ucs2("【示例】通知"), destinations: [{ kind: "sme", ton: 1, npi: 1, address: "13800000005" }] }));
    expect(back).toMatchObject({ command: "submit_multi", commandLength: back.commandLength, body: { sourceAddr: "106900001234", tlvs: [] } });
  });

  it("encodes submit_multi_resp with unsuccess_smes that node-smpp reads, and decodes its own", () => {
    const unsuccess = [{ ton: 1, npi: 1, address: "13800000006", errorStatusCode: CommandStatus.ESME_RX_R_APPN }];
    const bytes = encodeSubmitMultiResp(12, 0, "ABC123", unsuccess);
    expect(theirs(bytes).unsuccess_sme).toEqual([{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "13800000006", error_status_code: 0x66 }]);
    const pdu = ours(bytes);
    if (pdu.command !== "submit_multi_resp") throw new Error("expected submit_multi_resp");
    expect(pdu.body).toEqual({ messageId: "ABC123", unsuccess, tlvs: [] });
  });

  it("agrees on a delivery receipt with receipted_message_id, message_state and network_error_code", () => {
    const receiptText = "id:0A1B2C3D sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:";
    const bytes = encodeDeliverSm(21, {
      sourceAddr: "13800000007", destinationAddr: "106900001234", esmClass: 0x04, shortMessage: Buffer.from(receiptText),
      tlvs: [tlvCString(TlvTag.receipted_message_id, "0A1B2C3D"), tlvUint(TlvTag.message_state, 1, 2), tlvBytes(TlvTag.network_error_code, new Uint8Array([3, 0, 0]))],
    });
    const pdu = theirs(bytes);
    expect(pdu).toMatchObject({ command: "deliver_sm", esm_class: 4, receipted_message_id: "0A1B2C3D", message_state: 2 });
    expect(pdu.short_message.message).toBe(receiptText);
    const theirReceipt = new smpp.PDU("deliver_sm", { sequence_number: 2, esm_class: 4, short_message: receiptText, receipted_message_id: "FF01", message_state: 5, network_error_code: Buffer.from([3, 0, 1]) }).toBuffer();
    const decoded = ours(theirReceipt);
    if (decoded.command !== "deliver_sm") throw new Error("expected deliver_sm");
    expect(receiptedMessageId(decoded.body.tlvs)).toBe("FF01");
    expect(messageState(decoded.body.tlvs)).toBe(5);
    expect(networkErrorCode(decoded.body.tlvs)).toEqual({ networkType: 3, errorCode: 1 });
  });

  it("decodes node-smpp's data_sm carrying message_payload", () => {
    const payload = Buffer.from(ucs2(text.repeat(6)));
    const bytes = new smpp.PDU("data_sm", { sequence_number: 3, source_addr: "106900001234", destination_addr: "13800000008", data_coding: 8, message_payload: payload }).toBuffer();
    const pdu = ours(bytes);
    if (pdu.command !== "data_sm") throw new Error("expected data_sm");
    expect(Buffer.from(messagePayload(pdu.body.tlvs)!)).toEqual(payload);
  });

  it("error responses: ours carry an empty message_id node-smpp reads; node-smpp's header-only ones decode", () => {
    const resp = theirs(encodeMessageIdResp(CommandId.submit_sm, 5, CommandStatus.ESME_RTHROTTLED));
    expect(resp).toMatchObject({ command: "submit_sm_resp", command_status: 0x58, sequence_number: 5, message_id: "" });
    const headerOnly = new smpp.PDU("submit_sm_resp", { sequence_number: 6, command_status: 0x45 }).toBuffer();
    expect(headerOnly.length).toBe(16);
    const pdu = ours(headerOnly);
    expect(pdu).toMatchObject({ command: "submit_sm_resp", commandStatus: 0x45, body: { messageId: "" } });
  });
});
