import { describe, expect, it } from "vitest";
import { resolveRoute, translateMessageId } from "../../../src/gateway/message-id.ts";
import { rewriteReceiptId } from "../../../smpp/proxy/receipt-rewrite.ts";
import { receiptFields } from "../../../smpp/simulator/receipts.ts";
import { decodePdu } from "../../../smpp/wire/decode.ts";
import { encodeDataSm, encodeDeliverSm } from "../../../smpp/wire/encode.ts";
import type { Pdu } from "../../../smpp/wire/pdu.ts";
import { receiptedMessageId, tlvBytes, tlvCString, tlvUint, TlvTag } from "../../../smpp/wire/tlv.ts";

const route = (smscMessageId: string, accountId: string, spMessageId?: string) => ({ smscMessageId, accountId, spMessageId });

describe("resolveRoute: exact id first, an alias only when unambiguous", () => {
  it("prefers the exact id over aliases that belong to another SP", () => {
    // Decimal SMSC: "16" is SP B's; it is also the hex form of SP A's 22 and the decimal form of SP A's 0x10.
    const routes = [route("10", "A"), route("22", "A"), route("16", "B")];
    expect(resolveRoute("16", routes)).toEqual({ kind: "exact", route: routes[2] });
  });

  it("uses an alias (case, leading zeros, hex ⇄ decimal) when exactly one route matches", () => {
    expect(resolveRoute("0a000001", [route("0A000001", "A")])).toMatchObject({ kind: "alias", route: { accountId: "A" } });
    expect(resolveRoute("167772161", [route("0A000001", "A")])).toMatchObject({ kind: "alias", route: { accountId: "A" } });
    expect(resolveRoute("0000000042", [route("42", "A")])).toMatchObject({ kind: "alias", route: { accountId: "A" } });
  });

  it("holds a receipt whose id aliases two routes, even of the same SP", () => {
    expect(resolveRoute("0010", [route("10", "A"), route("16", "B")])).toMatchObject({ kind: "ambiguous" });
    expect(resolveRoute("0010", [route("10", "A"), route("16", "A")])).toMatchObject({ kind: "ambiguous" });
    // Case-sensitive SMSC ids: "abc" and "ABC" are two messages; "Abc" is neither exactly.
    expect(resolveRoute("Abc", [route("abc", "A"), route("ABC", "B")])).toMatchObject({ kind: "ambiguous" });
    expect(resolveRoute("ABC", [route("abc", "A"), route("ABC", "B")])).toMatchObject({ kind: "exact", route: { accountId: "B" } });
  });

  it("finds nothing for an id no route has in any form", () => {
    expect(resolveRoute("99", [route("10", "A")])).toEqual({ kind: "none" });
  });
});

describe("translateMessageId: the SP's id in the form the SMSC used", () => {
  it("keeps the form of the receipt", () => {
    expect(translateMessageId("0A000002", "0A000002", "0A000001")).toBe("0A000001");
    expect(translateMessageId("0a000002", "0A000002", "0A000001")).toBe("0A000001");
    expect(translateMessageId("167772162", "0A000002", "0A000001")).toBe("167772161");
    expect(translateMessageId("b", "11", "10")).toBe("a");
    expect(translateMessageId("unrelated", "0A000002", "0A000001")).toBe("0A000001");
  });
});

function decoded(frame: Uint8Array) {
  const result = decodePdu(frame);
  if (!result.ok) throw new Error(result.message);
  return result.pdu as Pdu<"deliver_sm"> | Pdu<"data_sm">;
}

describe("rewriteReceiptId: a submit_multi destination's receipt carries the SP's id", () => {
  const input = {
    messageId: "0A000002", textId: "167772162", sourceAddr: "10690001", destinationAddr: "13800000092",
    stat: "DELIVRD" as const, err: "000", submittedAt: Date.UTC(2026, 11, 1, 2, 0), doneAt: Date.UTC(2026, 11, 1, 2, 1), textPrefix: "hello",
  };

  it("rewrites the TLV and the text id, keeps every other field and TLV as received, and fixes the lengths", () => {
    const fields = receiptFields(input);
    const vendor = tlvBytes(0x1401, Uint8Array.of(1, 2, 3));
    const frame = encodeDeliverSm(77, { ...fields, serviceType: "CMT", tlvs: [...fields.tlvs!, vendor] });
    const out = rewriteReceiptId(frame, "0A000002", "0A000001");
    const before = decoded(frame).body as Pdu<"deliver_sm">["body"];
    const after = decoded(out).body as Pdu<"deliver_sm">["body"];
    expect(out.length).toBe(frame.length); // same-length ids: only the id octets differ
    expect(new DataView(out.buffer).getUint32(0)).toBe(out.length);
    expect(new DataView(out.buffer).getUint32(12)).toBe(77);
    expect(receiptedMessageId(after.tlvs)).toBe("0A000001");
    expect(Buffer.from(after.shortMessage).toString("latin1")).toBe(Buffer.from(before.shortMessage).toString("latin1").replace("id:167772162", "id:167772161"));
    expect({ ...after, shortMessage: undefined, tlvs: undefined }).toEqual({ ...before, shortMessage: undefined, tlvs: undefined });
    expect(after.tlvs.map((t) => t.tag)).toEqual(before.tlvs.map((t) => t.tag));
    expect(Buffer.from(after.tlvs.at(-1)!.value)).toEqual(Buffer.from([1, 2, 3]));
  });

  it("re-encodes lengths when the SP's id is longer or shorter than the SMSC's", () => {
    const fields = receiptFields({ ...input, messageId: "7", textId: "7" });
    const frame = encodeDeliverSm(5, fields);
    const out = rewriteReceiptId(frame, "7", "123456789");
    expect(out.length).toBe(frame.length + 16);
    const after = decoded(out).body as Pdu<"deliver_sm">["body"];
    expect(receiptedMessageId(after.tlvs)).toBe("123456789");
    expect(Buffer.from(after.shortMessage).toString("latin1")).toMatch(/^id:123456789 sub:001 /);
    expect(after.tlvs.find((t) => t.tag === TlvTag.message_state)?.value[0]).toBe(2);
    const back = rewriteReceiptId(out, "123456789", "7");
    expect(Buffer.from(back)).toEqual(Buffer.from(frame));
  });

  it("rewrites a data_sm receipt's TLV and message_payload text", () => {
    const text = "id:0A000002 sub:001 dlvrd:001 submit date:2612010200 done date:2612010201 stat:DELIVRD err:000 text:";
    const frame = encodeDataSm(9, {
      sourceAddr: "13800000092", destinationAddr: "10690001", esmClass: 0x04,
      tlvs: [tlvCString(TlvTag.receipted_message_id, "0A000002"), tlvBytes(TlvTag.message_payload, Buffer.from(text, "latin1")), tlvUint(TlvTag.message_state, 1, 2)],
    });
    const after = decoded(rewriteReceiptId(frame, "0A000002", "0A0000FF")).body as Pdu<"data_sm">["body"];
    expect(receiptedMessageId(after.tlvs)).toBe("0A0000FF");
    expect(Buffer.from(after.tlvs.find((t) => t.tag === TlvTag.message_payload)!.value).toString("latin1")).toBe(text.replace("0A000002", "0A0000FF"));
  });
});
