/**
 * The CMPP codec against byte-exact frames from bigwhite/gocmpp's tests (see vectors.ts for the
 * file and test of each), per version, both ways; and the independent spec client against the
 * same bytes, so that it can be trusted in the socket tests.
 */
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../cmpp/wire/decode.ts";
import {
  encodeActiveTest, encodeActiveTestResp, encodeCancel, encodeCancelResp, encodeConnect, encodeConnectResp, encodeDeliver, encodeDeliverResp, encodeStatusReport,
  encodeSubmit, encodeSubmitResp, encodeTerminate, encodeTerminateResp,
} from "../../../cmpp/wire/encode.ts";
import type { Pdu, SubmitBody } from "../../../cmpp/wire/pdu.ts";
import * as spec from "../spec-client.ts";
import * as v from "../vectors.ts";

const ucs2 = (s: string) => Uint8Array.from(Buffer.from(s, "utf16le").swap16());
const content = ucs2("测试gocmpp submit");

const submitFields: Omit<SubmitBody, "reserve" | "linkId"> = {
  msgId: 0n, pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 1, serviceId: "test", feeUserType: 2, feeTerminalId: "13500002696",
  feeTerminalType: 0, tpPid: 0, tpUdhi: 0, msgFmt: 8, msgSrc: "900001", feeType: "02", feeCode: "10", validTime: "151105131555101+",
  atTime: "", srcId: "900001", destTerminalIds: ["13500002696"], destTerminalType: 0, msgContent: content,
};

function decoded<C extends Pdu["command"]>(frame: Uint8Array, version: 2 | 3, command: C): Pdu<C> {
  const result = decodeFrame(frame, version);
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.message}`);
  expect(result.pdu.command).toBe(command);
  return result.pdu as Pdu<C>;
}

describe("CMPP codec against gocmpp's vectors", () => {
  it("CONNECT: decodes TestCmppConnReqPktPack's frame and encodes it back byte for byte", () => {
    const pdu = decoded(v.connect21, 2, "connect");
    expect(pdu.sequenceId).toBe(0x17);
    expect(pdu.body.sourceAddr).toBe("900001");
    expect(pdu.body.version).toBe(0x21);
    expect(pdu.body.timestamp).toBe(1021080510);
    expect(Buffer.from(encodeConnect(0x17, pdu.body))).toEqual(Buffer.from(v.connect21));
  });

  it.each([[2, v.connectResp2, 0x21], [3, v.connectResp3, 0x30]] as const)("CONNECT_RESP %s.0: Status width and round trip", (version, frame, versionByte) => {
    const pdu = decoded(frame, version, "connect_resp");
    expect(pdu.body.status).toBe(0);
    expect(pdu.body.version).toBe(versionByte);
    expect(Buffer.from(encodeConnectResp(0x17, version, pdu.body))).toEqual(Buffer.from(frame));
  });

  it.each([[2, v.submit2], [3, v.submit3]] as const)("SUBMIT %s.0: decodes every field of the vector and encodes the same bytes", (version, frame) => {
    const pdu = decoded(frame, version, "submit");
    const { reserve, linkId, ...fields } = pdu.body;
    expect(fields).toEqual(submitFields);
    expect(linkId).toBe("");
    expect(reserve.length).toBe(version === 2 ? 8 : 0);
    expect(Buffer.from(encodeSubmit(0x17, version, submitFields))).toEqual(Buffer.from(frame));
  });

  it.each([[2, v.submitResp2], [3, v.submitResp3]] as const)("SUBMIT_RESP %s.0", (version, frame) => {
    const pdu = decoded(frame, version, "submit_resp");
    expect(pdu.body).toEqual({ msgId: 12878564852733378560n, result: 0 });
    expect(Buffer.from(encodeSubmitResp(0x17, version, 12878564852733378560n, 0))).toEqual(Buffer.from(frame));
  });

  it.each([
    [2, v.deliver2, 5, 13052947396898652160n],
    [3, v.deliver3, 1, 13025908756704198656n],
  ] as const)("DELIVER %s.0 (an MO)", (version, frame, seq, msgId) => {
    const pdu = decoded(frame, version, "deliver");
    expect(pdu.sequenceId).toBe(seq);
    expect(pdu.body).toMatchObject({ msgId, destId: "900001", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13412340000", srcTerminalType: 0, registeredDelivery: 0, linkId: "" });
    expect(Buffer.from(pdu.body.msgContent).toString("latin1")).toBe("This is a test MO.");
    expect(pdu.body.report).toBeUndefined();
    expect(Buffer.from(encodeDeliver(seq, version, { ...pdu.body }))).toEqual(Buffer.from(frame));
  });

  it.each([[2, v.deliverResp2, 5, 13052947396898652160n], [3, v.deliverResp3, 1, 13025908756704198656n]] as const)("DELIVER_RESP %s.0", (version, frame, seq, msgId) => {
    expect(decoded(frame, version, "deliver_resp").body).toEqual({ msgId, result: 0 });
    expect(Buffer.from(encodeDeliverResp(seq, version, msgId, 0))).toEqual(Buffer.from(frame));
  });

  it("status report (TestCmppReceiptPktPack): encodes the 60-byte 2.0 body and decodes it inside a DELIVER", () => {
    const report = { msgId: 13025908756704198656n, stat: "DELIVRD", submitTime: "1511120955", doneTime: "1511120957", destTerminalId: "13412340000", smscSequence: 0x12345678 };
    expect(Buffer.from(encodeStatusReport(2, report))).toEqual(Buffer.from(v.report2));
    const frame = encodeDeliver(9, 2, { msgId: 1n, destId: "900001", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13412340000", registeredDelivery: 1, report });
    const pdu = decoded(frame, 2, "deliver");
    expect(pdu.body.report).toEqual(report);
    expect(Buffer.from(pdu.body.msgContent)).toEqual(Buffer.from(v.report2));
  });

  it("status report in 3.0 is 71 bytes (32-byte Dest_terminal_Id) and round-trips", () => {
    const report = { msgId: 42n, stat: "UNDELIV", submitTime: "2612011030", doneTime: "2612011031", destTerminalId: "13800000001", smscSequence: 7 };
    const body = encodeStatusReport(3, report);
    expect(body.length).toBe(71);
    const frame = encodeDeliver(3, 3, { msgId: 2n, destId: "1069000", serviceId: "", tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: "13800000001", registeredDelivery: 1, report, linkId: "L1" });
    expect(decoded(frame, 3, "deliver").body).toMatchObject({ report, linkId: "L1", registeredDelivery: 1 });
    expect(spec.parseDeliver(spec.parseFrame(frame).body, 3).report).toEqual(report);
  });

  it("CANCEL and CANCEL_RESP (no gocmpp vector: checked against the spec client's layout)", () => {
    expect(Buffer.from(encodeCancel(6, 0x0102030405060708n))).toEqual(spec.cancelFrame(6, 0x0102030405060708n));
    expect(decoded(spec.cancelFrame(6, 99n), 2, "cancel").body).toEqual({ msgId: 99n });
    expect(Buffer.from(encodeCancelResp(6, 2, 1)).toString("hex")).toBe("0000000d800000070000000601");
    expect(Buffer.from(encodeCancelResp(6, 3, 1)).toString("hex")).toBe("00000010800000070000000600000001");
    expect(decoded(encodeCancelResp(6, 3, 1), 3, "cancel_resp").body).toEqual({ successId: 1 });
  });

  it("ACTIVE_TEST(_RESP) and TERMINATE(_RESP) encode the vectors and decode with empty bodies", () => {
    expect(Buffer.from(encodeActiveTest(0x17))).toEqual(Buffer.from(v.activeTest));
    expect(Buffer.from(encodeActiveTestResp(0x17))).toEqual(Buffer.from(v.activeTestResp));
    expect(Buffer.from(encodeTerminate(0x17))).toEqual(Buffer.from(v.terminate));
    expect(Buffer.from(encodeTerminateResp(0x17))).toEqual(Buffer.from(v.terminateResp));
    expect(decoded(v.activeTestResp, 2, "active_test_resp").body).toEqual({ reserved: 0 });
    // Some peers leave ACTIVE_TEST_RESP's Reserved byte out: accepted.
    expect(decoded(Uint8Array.from([0, 0, 0, 12, 0x80, 0, 0, 8, 0, 0, 0, 1]), 2, "active_test_resp").body).toEqual({ reserved: 0 });
    for (const frame of [v.activeTest, v.terminate, v.terminateResp]) expect(decodeFrame(frame, 3).ok).toBe(true);
  });
});

describe("the spec client against the same vectors", () => {
  it("builds the CONNECT, SUBMIT, ACTIVE_TEST and TERMINATE frames byte for byte", () => {
    expect(spec.connectFrame(0x17, { sourceAddr: "900001", secret: "888888", versionByte: 0x21, timestamp: 1021080510 })).toEqual(Buffer.from(v.connect21));
    const s: spec.SubmitSpec = {
      pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 1, serviceId: "test", feeUserType: 2, feeTerminalId: "13500002696", msgFmt: 8,
      msgSrc: "900001", feeType: "02", feeCode: "10", validTime: "151105131555101+", srcId: "900001", dest: ["13500002696"], content: Buffer.from(content),
    };
    expect(spec.submitFrame(0x17, 2, s)).toEqual(Buffer.from(v.submit2));
    expect(spec.submitFrame(0x17, 3, s)).toEqual(Buffer.from(v.submit3));
    expect(spec.activeTestFrame(0x17)).toEqual(Buffer.from(v.activeTest));
    expect(spec.activeTestRespFrame(0x17)).toEqual(Buffer.from(v.activeTestResp));
    expect(spec.terminateFrame(0x17)).toEqual(Buffer.from(v.terminate));
    expect(spec.deliverRespFrame(5, 2, 13052947396898652160n, 0)).toEqual(Buffer.from(v.deliverResp2));
    expect(spec.deliverRespFrame(1, 3, 13025908756704198656n, 0)).toEqual(Buffer.from(v.deliverResp3));
  });

  it("reads CONNECT_RESP, SUBMIT_RESP and DELIVER from the vectors", () => {
    expect(spec.parseConnectResp(spec.parseFrame(v.connectResp3).body, 3)).toMatchObject({ status: 0, version: 0x30 });
    expect(spec.parseMsgIdResult(spec.parseFrame(v.submitResp2).body, 2)).toMatchObject({ msgId: 12878564852733378560n, result: 0 });
    expect(spec.parseDeliver(spec.parseFrame(v.deliver3).body, 3)).toMatchObject({ srcTerminalId: "13412340000", destId: "900001", trailerLength: 20 });
  });
});

describe("malformed bodies give a typed error naming the field", () => {
  const expectError = (frame: Uint8Array, version: 2 | 3, field: string, result: number) => {
    const r = decodeFrame(frame, version);
    expect(r.ok).toBe(false);
    if (!r.ok) expect({ field: r.error.field, result: r.error.result }).toEqual({ field, result });
  };
  const withLength = (b: Uint8Array) => {
    const out = Uint8Array.from(b);
    new DataView(out.buffer).setUint32(0, out.length);
    return out;
  };

  it("a SUBMIT cut short names the first missing field, with Result 4 (消息长度错)", () => {
    expectError(withLength(v.submit2.slice(0, 40)), 2, "Fee_terminal_Id", 4);
  });

  it("Msg_Length that disagrees with Total_Length: Result 4", () => {
    const frame = Uint8Array.from(v.submit2);
    frame[150] = 0x1f; // Msg_Length offset in the 2.0 vector: 30 → 31
    expectError(frame, 2, "Msg_Length", 4);
  });

  it("content over 140 octets: Result 6 (超过最大信息长)", () => {
    const frame = spec.submitFrame(1, 3, { dest: ["13800000001"], msgFmt: 8, content: Buffer.alloc(142, 0x41) });
    expectError(frame, 3, "Msg_Length", 6);
    // 160 ASCII characters with Msg_Fmt 0 are fine.
    expect(decodeFrame(spec.submitFrame(1, 3, { dest: ["13800000001"], msgFmt: 0, content: Buffer.alloc(160, 0x41) }), 3).ok).toBe(true);
  });

  it("DestUsr_tl of 0 or over 100: Result 1 naming DestUsr_tl", () => {
    expectError(spec.submitFrame(1, 2, { dest: [], content: Buffer.from("hi") }), 2, "DestUsr_tl", 1);
    const many = Array.from({ length: 101 }, (_, i) => `138000000${String(i % 100).padStart(2, "0")}`);
    expectError(spec.submitFrame(1, 2, { dest: many, content: Buffer.from("hi") }), 2, "DestUsr_tl", 1);
  });

  it("a second value hidden behind an Octet String's NUL padding is refused", () => {
    // Dest_terminal_Id "13800000001\0" followed by another number inside the same 21 bytes.
    const frame = spec.submitFrame(1, 2, { dest: ["13800000001"], content: Buffer.from("hi") });
    const dest = frame.indexOf(Buffer.from("13800000001"));
    frame.write("99", dest + 13, "latin1");
    expectError(frame, 2, "Dest_terminal_Id", 1);
  });

  it("control or non-ASCII bytes in Src_Id are refused", () => {
    const frame = spec.submitFrame(1, 2, { dest: ["13800000001"], srcId: "1069000", content: Buffer.from("hi") });
    frame[frame.indexOf(Buffer.from("1069000")) + 2] = 0xa3;
    expectError(frame, 2, "Src_Id", 1);
  });

  it("Registered_Delivery beyond the version's values (2 is 2.0 only) is refused", () => {
    expect(decodeFrame(spec.submitFrame(1, 2, { dest: ["13800000001"], registeredDelivery: 2, content: Buffer.from("hi") }), 2).ok).toBe(true);
    expectError(spec.submitFrame(1, 3, { dest: ["13800000001"], registeredDelivery: 2, content: Buffer.from("hi") }), 3, "Registered_Delivery", 1);
    expectError(spec.submitFrame(1, 2, { dest: ["13800000001"], registeredDelivery: 3, content: Buffer.from("hi") }), 2, "Registered_Delivery", 1);
  });

  it("the 2.0 layout read as 3.0 (version confusion) is refused, not misread", () => {
    const r = decodeFrame(v.submit2, 3);
    expect(r.ok).toBe(false);
  });

  it("Pk_number outside 1..Pk_total, a status report of the wrong size, an unknown Command_Id, a wrong Total_Length", () => {
    expectError(spec.submitFrame(1, 2, { dest: ["13800000001"], pkTotal: 2, pkNumber: 3, content: Buffer.from("hi") }), 2, "Pk_number", 1);
    const bad = Uint8Array.from(v.deliver2);
    bad[75] = 1; // Registered_Delivery = 1 but Msg_Length 18
    expectError(bad, 2, "Msg_Length", 4);
    expectError(Uint8Array.from([0, 0, 0, 12, 0, 0, 0, 0x63, 0, 0, 0, 1]), 2, "Command_Id", 2);
    expectError(Uint8Array.from([0, 0, 0, 13, 0, 0, 0, 8, 0, 0, 0, 1]), 2, "Total_Length", 4);
    expectError(withLength(Uint8Array.from([...v.terminate, 0])), 2, "header", 4);
  });

  it("the largest legal frame (3.0, 100 recipients, 160 ASCII bytes) is 3,523 bytes and decodes", () => {
    const dest = Array.from({ length: 100 }, (_, i) => `138000000${String(i).padStart(2, "0")}`);
    const frame = spec.submitFrame(1, 3, { dest, msgFmt: 0, content: Buffer.alloc(160, 0x61), linkId: "x".repeat(20) });
    expect(frame.length).toBe(3523);
    const r = decodeFrame(frame, 3);
    expect(r.ok && r.pdu.command === "submit" && r.pdu.body.destTerminalIds.length).toBe(100);
  });

  it("never throws: 20,000 random mutations of every vector decode to a PDU or a typed error", () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const frames = [v.connect21, v.connectResp2, v.connectResp3, v.submit2, v.submit3, v.submitResp2, v.deliver2, v.deliver3, v.deliverResp3, v.activeTestResp];
    let errors = 0;
    for (let i = 0; i < 20_000; i++) {
      const frame = Uint8Array.from(frames[i % frames.length]!);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) frame[Math.floor(rand() * frame.length)] = Math.floor(rand() * 256);
      const cut = rand() < 0.2 ? frame.subarray(0, Math.floor(rand() * frame.length)) : frame;
      const r = decodeFrame(cut, rand() < 0.5 ? 2 : 3);
      if (!r.ok) {
        errors++;
        expect(r.error.field.length).toBeGreaterThan(0);
      }
    }
    expect(errors).toBeGreaterThan(1000);
  });
});
