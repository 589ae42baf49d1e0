/**
 * A hostile SP tries to get text past the gate that is not the text the gate judged: two copies of
 * one field, two places for the text or the concatenation, lengths that lie, NULs, canned
 * messages, number prefixes. Each trick goes over a real socket as raw bytes built here (node-smpp
 * cannot send most of them), and the test checks what a reviewer would: the SP's status, that the
 * SMSC received nothing, and the journal row. Keep adding tricks here.
 */
import net from "node:net";
import { asc } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejections } from "../../../src/db/schema/index.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { commandStatusFor, type ReasonCode } from "../../../src/policy/reasons.ts";
import { Cmd, concat, dataSmBody, pdu, submitBody, submitMultiBody, tlv, ucs2 } from "../../faults/smpp/fuzz-generator.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

let gateway: TestGateway;
let world: DemoWorld;
let raw: RawSession;

const TAG = { message_payload: 0x0424, sar_msg_ref_num: 0x020c, sar_total_segments: 0x020e, sar_segment_seqnum: 0x020f, user_message_reference: 0x0204, callback_num: 0x0381, vendor: 0x1401 } as const;
const OURS = "【云端科技】您的验证码是 556677。";
const THEIRS = "【星河银行】您的账户异常，请点击 http://x.example 验证。";

interface RawPdu {
  id: number;
  status: number;
  seq: number;
}

/** A raw TCP client bound as SP A: sends bytes, reads whole PDUs back. */
class RawSession {
  readonly pdus: RawPdu[] = [];
  private buffer = Buffer.alloc(0);
  private seq = 100;
  constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 16 && this.buffer.length >= this.buffer.readUInt32BE(0)) {
        const length = this.buffer.readUInt32BE(0);
        this.pdus.push({ id: this.buffer.readUInt32BE(4), status: this.buffer.readUInt32BE(8), seq: this.buffer.readUInt32BE(12) });
        this.buffer = this.buffer.subarray(length);
      }
    });
    socket.on("error", () => {});
  }
  static async bind(port: number, credentials: { systemId: string; password: string }): Promise<RawSession> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const session = new RawSession(socket);
    const bindBody = concat(cstr(credentials.systemId), cstr(credentials.password), cstr(""), Uint8Array.of(0x34, 0, 0), cstr(""));
    const answer = await session.request(Cmd.bind_transceiver, bindBody);
    expect(answer.status).toBe(0);
    return session;
  }
  /** Sends one request and waits for the PDU answering its sequence number. */
  async request(commandId: number, body: Uint8Array): Promise<RawPdu> {
    const seq = ++this.seq;
    this.socket.write(pdu(commandId, seq, body));
    await waitFor(() => this.pdus.some((p) => p.seq === seq), 5000, `answer to sequence ${seq}`);
    return this.pdus.find((p) => p.seq === seq)!;
  }
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const cstr = (text: string) => concat(latin1(text), Uint8Array.of(0));

beforeEach(async () => {
  gateway = await startTestGateway({ env: { SMPP_CONCAT_TIMEOUT_MS: "600" } });
  world = await seedAndSync(gateway);
  await gateway.upstream.waitForBinds(1);
  raw = await RawSession.bind(gateway.smppPort, world.accountA);
});
afterEach(async () => {
  raw.socket.destroy();
  await gateway.close();
});

async function journalReasons(): Promise<string[]> {
  await gateway.journal.flush();
  const rows = await gateway.testDatabase.db.select().from(rejections).orderBy(asc(rejections.id));
  return rows.map((r) => r.reason);
}

/** The trick is refused with `reason` on the wire, nothing reaches the SMSC, the journal has the row. */
async function expectRefused(answer: RawPdu, responseId: number, reason: ReasonCode): Promise<void> {
  expect(answer).toMatchObject({ id: responseId, status: commandStatusFor(reason) });
  expect(await journalReasons()).toContain(reason);
  expect(gateway.simulator!.received.count).toBe(0);
}

/** The session still works after a trick: a plain verification message goes through. */
async function expectSessionAlive(destination = "13800000099"): Promise<void> {
  const ok = await raw.request(Cmd.submit_sm, submitBody({ destination, shortMessage: ucs2(OURS) }));
  expect(ok).toMatchObject({ id: 0x80000004, status: 0 });
}

describe("smuggling: one PDU, two readings", () => {
  it("refuses a submit_sm with two message_payload TLVs (another firm's signature in the second) with tlv_repeated", async () => {
    const body = submitBody({ destination: "13800000001", tlvs: concat(tlv(TAG.message_payload, ucs2(OURS)), tlv(TAG.message_payload, ucs2(THEIRS))) });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "tlv_repeated");
    await expectSessionAlive();
  });

  it("refuses a data_sm with two message_payload TLVs, also when the second is empty", async () => {
    const twice = dataSmBody({ destination: "13800000002", tlvs: concat(tlv(TAG.message_payload, ucs2(OURS)), tlv(TAG.message_payload, ucs2(THEIRS))) });
    await expectRefused(await raw.request(Cmd.data_sm, twice), 0x80000103, "tlv_repeated");
    const emptySecond = dataSmBody({ destination: "13800000003", tlvs: concat(tlv(TAG.message_payload, ucs2(OURS)), tlv(TAG.message_payload, new Uint8Array(0))) });
    await expectRefused(await raw.request(Cmd.data_sm, emptySecond), 0x80000103, "tlv_repeated");
  });

  it("refuses a submit_multi with two message_payload TLVs", async () => {
    const body = submitMultiBody({ tlvs: concat(tlv(TAG.message_payload, ucs2(OURS)), tlv(TAG.message_payload, ucs2(THEIRS))) }, ["13800000004", "13800000005"]);
    await expectRefused(await raw.request(Cmd.submit_multi, body), 0x80000021, "tlv_repeated");
  });

  it("refuses repeated sar_* TLVs, a repeated integer TLV and a repeated vendor TLV", async () => {
    const sar = (seq: number) => concat(tlv(TAG.sar_msg_ref_num, Uint8Array.of(0, 9)), tlv(TAG.sar_total_segments, Uint8Array.of(2)), tlv(TAG.sar_segment_seqnum, Uint8Array.of(seq)));
    const seqTwice = submitBody({ destination: "13800000006", shortMessage: ucs2(OURS), tlvs: concat(sar(1), tlv(TAG.sar_segment_seqnum, Uint8Array.of(2))) });
    await expectRefused(await raw.request(Cmd.submit_sm, seqTwice), 0x80000004, "tlv_repeated");
    const refTwice = submitBody({ destination: "13800000007", shortMessage: ucs2(OURS), tlvs: concat(tlv(TAG.user_message_reference, Uint8Array.of(0, 1)), tlv(TAG.user_message_reference, Uint8Array.of(0, 2))) });
    await expectRefused(await raw.request(Cmd.submit_sm, refTwice), 0x80000004, "tlv_repeated");
    const vendorTwice = submitBody({ destination: "13800000008", shortMessage: ucs2(OURS), tlvs: concat(tlv(TAG.vendor, latin1("a")), tlv(TAG.vendor, latin1("b"))) });
    await expectRefused(await raw.request(Cmd.submit_sm, vendorTwice), 0x80000004, "tlv_repeated");
    // One of each is fine: a single vendor TLV passes through to the SMSC. So do several
    // callback_num, the one optional parameter SMPP 3.4 allows more than once.
    const once = await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000009", shortMessage: ucs2(OURS), tlvs: tlv(TAG.vendor, latin1("a")) }));
    expect(once.status).toBe(0);
    const callbacks = concat(tlv(TAG.callback_num, Uint8Array.of(1, 1, 1, ...latin1("10690001"))), tlv(TAG.callback_num, Uint8Array.of(1, 1, 1, ...latin1("95555"))));
    const twoCallbacks = await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000019", shortMessage: ucs2(OURS), tlvs: callbacks }));
    expect(twoCallbacks.status).toBe(0);
    await waitFor(() => gateway.simulator!.received.count === 2);
  });

  it("refuses short_message together with a message_payload TLV, even an empty one, as message_ambiguous", async () => {
    const both = submitBody({ destination: "13800000010", shortMessage: ucs2(OURS), tlvs: tlv(TAG.message_payload, ucs2(THEIRS)) });
    await expectRefused(await raw.request(Cmd.submit_sm, both), 0x80000004, "message_ambiguous");
    const emptyPayload = submitBody({ destination: "13800000011", shortMessage: ucs2(OURS), tlvs: tlv(TAG.message_payload, new Uint8Array(0)) });
    await expectRefused(await raw.request(Cmd.submit_sm, emptyPayload), 0x80000004, "message_ambiguous");
    await expectSessionAlive();
  });

  it("refuses two concatenation schemes in one PDU (a UDH and sar_* TLVs) as message_ambiguous", async () => {
    const udh = Uint8Array.of(0x05, 0x00, 0x03, 0x07, 0x02, 0x01);
    const sar = concat(tlv(TAG.sar_msg_ref_num, Uint8Array.of(0, 8)), tlv(TAG.sar_total_segments, Uint8Array.of(2)), tlv(TAG.sar_segment_seqnum, Uint8Array.of(1)));
    const body = submitBody({ destination: "13800000012", esmClass: 0x40, shortMessage: concat(udh, ucs2(OURS)), tlvs: sar });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "message_ambiguous");
  });

  it("refuses a NUL inside the text (C-string code could cut the judged text) as message_ambiguous", async () => {
    // The signature sits at the end, after a NUL: cut at the NUL, the handset gets an unsigned text.
    const body = submitBody({ destination: "13800000013", shortMessage: ucs2(`您的验证码是 556677，5分钟内有效。\u0000【云端科技】`) });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "message_ambiguous");
    // GSM 7-bit 0x00 is '@', not a NUL: such a message still passes.
    const gsm = await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000014", dataCoding: 0, shortMessage: latin1("\u0000 note [x]") }));
    expect(gsm.status).not.toBe(commandStatusFor("message_ambiguous"));
  });

  it("refuses a canned message (sm_default_msg_id ≠ 0): the SMSC would send a stored text nobody judged", async () => {
    const body = submitBody({ destination: "13800000015", shortMessage: ucs2(OURS) });
    // submit_sm: sm_default_msg_id is the octet just before sm_length.
    const smLengthAt = body.length - ucs2(OURS).length - 1;
    body[smLengthAt - 1] = 3;
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "message_ambiguous");
  });
});

describe("smuggling: timing", () => {
  it("refuses a scheduled delivery: judged now, it would reach the handset later, past quiet hours, caps and opt-outs", async () => {
    const body = submitBody({ serviceType: "MKT", destination: "13800000030", shortMessage: ucs2("【云端商城】周末特惠，满100减20，回T退订"), scheduleDeliveryTime: "000000013000000R" });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "scheduled_delivery");
    const multi = submitMultiBody({ shortMessage: ucs2(OURS) }, ["13800000031"]);
    // submit_multi: schedule_delivery_time follows esm_class, protocol_id and priority_flag.
    const at = multi.length - ucs2(OURS).length - 5 - 2;
    const scheduled = concat(multi.subarray(0, at), cstr("261201233000032+"), multi.subarray(at + 1));
    await expectRefused(await raw.request(Cmd.submit_multi, scheduled), 0x80000021, "scheduled_delivery");
  });
});

describe("smuggling: byte order", () => {
  it("refuses UCS2 text holding a reversed byte-order mark (U+FFFE): a reader honouring it would see other text", async () => {
    const littleEndian = Buffer.from(`\ufeff${THEIRS}`, "utf16le"); // FF FE, then every pair swapped
    const body = submitBody({ destination: "13800000032", shortMessage: concat(ucs2(OURS), littleEndian) });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "message_ambiguous");
  });
});

describe("smuggling: what the handset shows", () => {
  it("refuses bidirectional overrides, which make a handset show text in another order than judged (another firm's signature drawn from reversed text)", async () => {
    // Judged: one signature at the start and "】行银河星【" at the end; shown: "…【星河银行】".
    for (const [i, control] of ["\u202e", "\u202d", "\u2067", "\u200f"].entries()) {
      const body = submitBody({ destination: `1380000004${i}`, shortMessage: ucs2(`【云端科技】您的验证码是 556677。${control}】行银河星【`) });
      const answer = await raw.request(Cmd.submit_sm, body);
      expect({ control: control.codePointAt(0)!.toString(16), status: answer.status }).toEqual({ control: control.codePointAt(0)!.toString(16), status: commandStatusFor("message_ambiguous") });
    }
    expect(gateway.simulator!.received.count).toBe(0);
  });
});

describe("smuggling: messages the reader never sees", () => {
  it("refuses silent (Type 0), equipment and SIM data-download protocol_ids, and a UDH carrying a SIM Toolkit command packet", async () => {
    for (const [i, pid] of [0x40, 0x7d, 0x7f].entries()) {
      const body = submitBody({ destination: `1380000005${i}`, shortMessage: ucs2(OURS) });
      // submit_sm: "VER\0", ton, npi, "1069000101\0", ton, npi, "1380000005i\0", esm_class, then protocol_id.
      const at = 4 + 2 + 11 + 2 + 12 + 1;
      body[at] = pid;
      const answer = await raw.request(Cmd.submit_sm, body);
      expect({ pid, status: answer.status }).toEqual({ pid, status: commandStatusFor("message_ambiguous") });
    }
    // A signed, readable text with an (U)SIM Toolkit security header (IEI 0x70) riding in its UDH.
    const udh = Uint8Array.of(0x05, 0x70, 0x03, 0x00, 0x00, 0x00);
    const packet = submitBody({ destination: "13800000058", esmClass: 0x40, shortMessage: concat(udh, ucs2(OURS)) });
    await expectRefused(await raw.request(Cmd.submit_sm, packet), 0x80000004, "message_ambiguous");
  });
});

describe("smuggling: lengths that lie", () => {
  it("answers a TLV whose length runs past the body with ESME_RINVTLVLEN and goes on", async () => {
    const body = submitBody({ destination: "13800000020", tlvs: concat(Uint8Array.of(0x04, 0x24, 0x01, 0x00), ucs2(THEIRS)) });
    const answer = await raw.request(Cmd.submit_sm, body);
    expect(answer).toMatchObject({ id: 0x80000004, status: 0xc2 });
    expect(gateway.simulator!.received.count).toBe(0);
    await expectSessionAlive();
  });

  it("answers an sm_length beyond the body with ESME_RINVMSGLEN, and one short of it with a TLV error; neither reaches the SMSC", async () => {
    const long = submitBody({ destination: "13800000021", shortMessage: ucs2(OURS) });
    long[long.length - ucs2(OURS).length - 1] = 200;
    expect(await raw.request(Cmd.submit_sm, long)).toMatchObject({ id: 0x80000004, status: 0x01 });
    // sm_length 4 short: the last 4 text octets are read as a TLV header that claims more than is left.
    const short = submitBody({ destination: "13800000022", shortMessage: ucs2(OURS) });
    short[short.length - ucs2(OURS).length - 1] = ucs2(OURS).length - 6;
    const answer = await raw.request(Cmd.submit_sm, short);
    expect(answer.id).toBe(0x80000004);
    expect([0xc0, 0xc1, 0xc2]).toContain(answer.status);
    expect(gateway.simulator!.received.count).toBe(0);
    await expectSessionAlive();
  });

  it("answers a 255-octet short_message (SMPP allows 254) with ESME_RINVMSGLEN, in submit_sm and submit_multi, never a system error", async () => {
    const text = latin1("x".repeat(255));
    expect(await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000026", dataCoding: 0, shortMessage: text }))).toMatchObject({ id: 0x80000004, status: 0x01 });
    expect(await raw.request(Cmd.submit_multi, submitMultiBody({ dataCoding: 0, shortMessage: text }, ["13800000027"]))).toMatchObject({ id: 0x80000021, status: 0x01 });
    expect(gateway.simulator!.received.count).toBe(0);
    await expectSessionAlive();
  });

  it("refuses a UDH that claims more octets than the message has (esm_class UDHI) as undecodable_text", async () => {
    const body = submitBody({ destination: "13800000023", esmClass: 0x40, shortMessage: Uint8Array.of(0x30, 0x00, 0x03, 0x01, 0x02, 0x01) });
    await expectRefused(await raw.request(Cmd.submit_sm, body), 0x80000004, "undecodable_text");
  });

  it("refuses binary data_coding (0x04) and a reserved one: the text cannot be judged", async () => {
    await expectRefused(await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000024", dataCoding: 0x04, shortMessage: latin1(THEIRS) })), 0x80000004, "undecodable_text");
    await expectRefused(await raw.request(Cmd.submit_sm, submitBody({ destination: "13800000025", dataCoding: 0x0c, shortMessage: latin1("hello") })), 0x80000004, "undecodable_text");
  });
});

describe("smuggling: the same number written another way", () => {
  it("applies an opt-out to +86, 0086, +86 0 and 0 forms of the number", async () => {
    await gateway.api.post("/opt-outs", { msisdn: "13800000052", enterpriseId: world.cloud.id, source: "api" });
    await waitFor(() => gateway.registry.snapshot.isOptedOut(gateway.deps.pii.hash("13800000052"), world.cloud.id));
    const marketing = ucs2("【云端商城】周末特惠，满100减20，回T退订");
    for (const destination of ["13800000052", "+8613800000052", "008613800000052", "+86013800000052", "86013800000052", "013800000052"]) {
      const answer = await raw.request(Cmd.submit_sm, submitBody({ serviceType: "MKT", destination, shortMessage: marketing }));
      expect({ destination, status: answer.status }).toEqual({ destination, status: commandStatusFor("recipient_opted_out") });
    }
    expect(gateway.simulator!.received.count).toBe(0);
  });

  it("sends a number named twice in one submit_multi (in any form) once: the daily cap cannot be doubled, and a non-number is refused", async () => {
    const settings = await gateway.api.get<Record<string, unknown>>("/settings/policy");
    await gateway.api.put("/settings/policy", { ...settings, dailyMarketingCap: 1, reason: "cap at one" });
    await waitFor(() => gateway.registry.snapshot.settings.dailyMarketingCap === 1, 10_000);
    const marketing = ucs2("【云端商城】周末特惠，满100减20，回T退订");
    const destinations = ["13800000060", "+8613800000060", "013800000060", "13800000060", "1380000006x"];
    const body = submitMultiBody({ serviceType: "MKT", shortMessage: marketing }, destinations);
    const answer = await raw.request(Cmd.submit_multi, body);
    expect(answer).toMatchObject({ id: 0x80000021, status: 0 });
    await waitFor(() => gateway.simulator!.received.count === 1);
    expect(await journalReasons()).toContain("invalid_destination");
    // The cap holds for the next PDU too.
    const again = await raw.request(Cmd.submit_multi, submitMultiBody({ serviceType: "MKT", shortMessage: marketing }, ["8613800000060"]));
    expect(again.status).toBe(commandStatusFor("daily_cap_exceeded"));
    expect(gateway.simulator!.received.count).toBe(1);
  });
});
