/** Malformed bodies decode to {ok:false} with the status the peer should get; nothing throws. */
import { describe, expect, it } from "vitest";
import { CommandId, CommandStatus as S, decodePdu, encodeSubmitSm } from "../../../smpp/wire/index.ts";
import { frameOf } from "../../helpers/raw-peer.ts";

const statusOf = (frame: Uint8Array) => {
  const decoded = decodePdu(frame);
  return decoded.ok ? 0 : decoded.status;
};

/** A valid submit_sm body up to (excluding) sm_length, so tests can vary the tail. */
const submitHead = ["\0", [0, 0], "1069000012\0", [1, 1], "13800000001\0", [0, 0, 0], "\0", "\0", [1, 0, 8, 0]] as const;

describe("decoding malformed PDUs", () => {
  it("maps a source_addr without NUL terminator to ESME_RINVSRCADR", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, "\0", [0, 0], "1069000012"))).toBe(S.ESME_RINVSRCADR);
  });

  it("maps an over-long destination_addr (21+ octets) to ESME_RINVDSTADR", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, "\0", [0, 0], "1069\0", [1, 1], "1".repeat(25) + "\0", [0, 0, 0]))).toBe(S.ESME_RINVDSTADR);
  });

  it("maps an sm_length running past the body to ESME_RINVMSGLEN", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, ...submitHead, [10], "short"))).toBe(S.ESME_RINVMSGLEN);
  });

  it("maps a body cut short inside fixed fields to ESME_RINVCMDLEN", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, "\0", [0, 0], "1069\0", [1, 1], "138\0", [0]))).toBe(S.ESME_RINVCMDLEN);
  });

  it("maps stray octets after the mandatory fields to ESME_RINVTLVSTREAM", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, ...submitHead, [2], "hi", [0x02, 0x04, 0]))).toBe(S.ESME_RINVTLVSTREAM);
  });

  it("maps a TLV whose length runs past the body, or a known TLV of the wrong size, to ESME_RINVTLVLEN", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, ...submitHead, [0], [0x04, 0x24, 0, 50], "abc"))).toBe(S.ESME_RINVTLVLEN);
    expect(statusOf(frameOf(CommandId.submit_sm, 1, ...submitHead, [0], [0x02, 0x0c, 0, 1, 7]))).toBe(S.ESME_RINVTLVLEN);
  });

  it("maps a bad schedule_delivery_time to ESME_RINVSCHED and a bad validity to ESME_RINVEXPIRY", () => {
    expect(statusOf(frameOf(CommandId.submit_sm, 1, "\0", [0, 0], "1069\0", [1, 1], "138\0", [0, 0, 0], "2501\0", "\0", [1, 0, 8, 0, 0]))).toBe(S.ESME_RINVSCHED);
    expect(statusOf(frameOf(CommandId.submit_sm, 1, "\0", [0, 0], "1069\0", [1, 1], "138\0", [0, 0, 0], "\0", "x\0", [1, 0, 8, 0, 0]))).toBe(S.ESME_RINVEXPIRY);
  });

  it("maps bind fields over their limits to system_id / password errors", () => {
    expect(statusOf(frameOf(CommandId.bind_transmitter, 1, "a-very-long-system-id\0", "pw\0", "\0", [0x34, 0, 0], "\0"))).toBe(S.ESME_RINVSYSID);
    expect(statusOf(frameOf(CommandId.bind_transmitter, 1, "sp\0", "password-too-long\0", "\0", [0x34, 0, 0], "\0"))).toBe(S.ESME_RINVPASWD);
  });

  it("maps submit_multi problems to their own statuses", () => {
    const head = ["\0", [0, 0], "1069\0"] as const;
    expect(statusOf(frameOf(CommandId.submit_multi, 1, ...head, [0]))).toBe(S.ESME_RINVNUMDESTS);
    expect(statusOf(frameOf(CommandId.submit_multi, 1, ...head, [1, 3], "x\0"))).toBe(S.ESME_RINVDESTFLAG);
    expect(statusOf(frameOf(CommandId.submit_multi, 1, ...head, [1, 2], "distribution-list-name-too-long\0"))).toBe(S.ESME_RINVDLNAME);
  });

  it("refuses a body on enquire_link and flags unknown command ids", () => {
    expect(statusOf(frameOf(CommandId.enquire_link, 1, [0]))).toBe(S.ESME_RINVCMDLEN);
    expect(statusOf(frameOf(0x00000077, 1))).toBe(S.ESME_RINVCMDID);
  });

  it("never throws on random garbage bodies", () => {
    const valid = encodeSubmitSm(1, { destinationAddr: "13800000001", shortMessage: Buffer.from("hello"), tlvs: [{ tag: 0x1400, value: new Uint8Array(3) }] });
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let round = 0; round < 5000; round++) {
      const frame = Uint8Array.from(valid);
      const flips = 1 + (round % 4);
      for (let i = 0; i < flips; i++) frame[16 + (random() % (frame.length - 16))] = random();
      const ids = [CommandId.submit_sm, CommandId.data_sm, CommandId.submit_multi, CommandId.deliver_sm, CommandId.bind_transceiver, CommandId.submit_multi_resp];
      frame.set(Buffer.from([0, 0, 0, ids[round % ids.length]! & 0xff]), 4);
      if (ids[round % ids.length]! & 0x80000000) frame[4] = 0x80;
      expect(() => decodePdu(frame)).not.toThrow();
    }
  });
});
