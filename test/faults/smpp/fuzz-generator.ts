/**
 * Fixed-seed generator of malformed (and some valid) SMPP PDUs for the fuzz test. Pure: a seed in,
 * byte strings out, so a failing run is reproduced exactly by its seed and PDU index.
 *
 * Everything is built byte by byte here, independently of smpp/wire, so an encoder bug cannot hide
 * a decoder bug.
 */

/** mulberry32: small, fast, good enough for fuzzing, and identical on every runtime. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export const Cmd = {
  generic_nack: 0x80000000, bind_receiver: 0x01, bind_transmitter: 0x02, query_sm: 0x03, submit_sm: 0x04, deliver_sm: 0x05,
  unbind: 0x06, replace_sm: 0x07, cancel_sm: 0x08, bind_transceiver: 0x09, outbind: 0x0b, enquire_link: 0x15, submit_multi: 0x21,
  alert_notification: 0x102, data_sm: 0x103,
} as const;

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const cstr = (text: string) => concat(latin1(text), Uint8Array.of(0));
const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);

export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function ucs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[i * 2] = text.charCodeAt(i) >> 8;
    out[i * 2 + 1] = text.charCodeAt(i) & 0xff;
  }
  return out;
}

export const tlv = (tag: number, value: Uint8Array) => concat(u16(tag), u16(value.length), value);

export function pdu(commandId: number, sequence: number, body: Uint8Array, status = 0): Uint8Array {
  const frame = new Uint8Array(16 + body.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, frame.length);
  view.setUint32(4, commandId >>> 0);
  view.setUint32(8, status >>> 0);
  view.setUint32(12, sequence >>> 0);
  frame.set(body, 16);
  return frame;
}

export function bindBody(systemId: string, password: string, systemType = "", addressRange = ""): Uint8Array {
  return concat(cstr(systemId), cstr(password), cstr(systemType), Uint8Array.of(0x34, 0, 0), cstr(addressRange));
}

export interface ShortMessage {
  serviceType?: string;
  source?: string;
  destination?: string;
  esmClass?: number;
  registeredDelivery?: number;
  dataCoding?: number;
  shortMessage?: Uint8Array;
  tlvs?: Uint8Array;
  scheduleDeliveryTime?: string;
}

export function submitBody(m: ShortMessage): Uint8Array {
  const sm = m.shortMessage ?? new Uint8Array(0);
  return concat(
    cstr(m.serviceType ?? "VER"),
    Uint8Array.of(1, 1), cstr(m.source ?? "1069000101"),
    Uint8Array.of(1, 1), cstr(m.destination ?? "13800000001"),
    Uint8Array.of(m.esmClass ?? 0, 0, 0),
    cstr(m.scheduleDeliveryTime ?? ""), cstr(""),
    Uint8Array.of(m.registeredDelivery ?? 0, 0, m.dataCoding ?? 8, 0, sm.length & 0xff),
    sm,
    m.tlvs ?? new Uint8Array(0),
  );
}

export function dataSmBody(m: ShortMessage): Uint8Array {
  return concat(
    cstr(m.serviceType ?? "VER"), Uint8Array.of(1, 1), cstr(m.source ?? "1069000101"), Uint8Array.of(1, 1), cstr(m.destination ?? "13800000001"),
    Uint8Array.of(m.esmClass ?? 0, m.registeredDelivery ?? 0, m.dataCoding ?? 8),
    m.tlvs ?? tlv(0x0424, m.shortMessage ?? new Uint8Array(0)),
  );
}

export function submitMultiBody(m: ShortMessage, destinations: string[], listNames: string[] = []): Uint8Array {
  const sm = m.shortMessage ?? new Uint8Array(0);
  const dests = [
    ...destinations.map((d) => concat(Uint8Array.of(1, 1, 1), cstr(d))),
    ...listNames.map((n) => concat(Uint8Array.of(2), cstr(n))),
  ];
  return concat(
    cstr(m.serviceType ?? "VER"), Uint8Array.of(1, 1), cstr(m.source ?? "1069000101"),
    Uint8Array.of(dests.length & 0xff), ...dests,
    Uint8Array.of(m.esmClass ?? 0, 0, 0), cstr(""), cstr(""),
    Uint8Array.of(m.registeredDelivery ?? 0, 0, m.dataCoding ?? 8, 0, sm.length & 0xff), sm, m.tlvs ?? new Uint8Array(0),
  );
}

/** Credentials the fuzzer binds with (a dedicated account, so its binds never crowd others out). */
export interface FuzzCredentials {
  systemId: string;
  password: string;
}

/** Texts the payload mutator chooses from: valid ones the policy may accept, and broken ones. */
function textPayload(r: Prng, marker: number): { dataCoding: number; esmClass: number; bytes: Uint8Array; tlvs?: Uint8Array; kind: string } {
  const valid = `【云端科技】您的验证码是${String(marker % 1_000_000).padStart(6, "0")}，5分钟内有效。`;
  switch (r.int(14)) {
    case 0:
      return { kind: "ucs2_valid", dataCoding: 8, esmClass: 0, bytes: ucs2(valid) };
    case 1: {
      const b = ucs2(valid);
      return { kind: "ucs2_odd_length", dataCoding: 8, esmClass: 0, bytes: b.subarray(0, b.length - 1 - 2 * r.int(3)) };
    }
    case 2: {
      // A lone high or low surrogate, or a pair in the wrong order.
      const lone = r.pick(["\ud800", "\udc00", "\udbff", "\udc00\ud800", "\ud83d"]);
      const at = r.int(valid.length);
      return { kind: "ucs2_lone_surrogate", dataCoding: 8, esmClass: 0, bytes: ucs2(valid.slice(0, at) + lone + valid.slice(at)) };
    }
    case 3:
      // Invalid GBK: a lead byte with a bad trail byte, a lead byte at the end, 0x80/0xFF.
      return { kind: "gbk_invalid", dataCoding: 0x0f, esmClass: 0, bytes: concat(Uint8Array.of(0xa1, 0xbe), r.pick([Uint8Array.of(0x81, 0x20), Uint8Array.of(0xd6), Uint8Array.of(0xff, 0xff), Uint8Array.of(0x80)]), latin1("code 1234")) };
    case 4:
      // Valid GBK: 【云端科技】 is a6/c8... let the decoder judge; random high bytes are often valid GB18030.
      return { kind: "gbk_random", dataCoding: 0x0f, esmClass: 0, bytes: r.bytes(r.range(1, 60)) };
    case 5: {
      // UDHL past the end of the message.
      return { kind: "udh_length_overflow", dataCoding: 8, esmClass: 0x40, bytes: concat(Uint8Array.of(r.range(10, 255), 0x00, 0x03), r.bytes(r.int(6))) };
    }
    case 6: {
      // IE length running past UDHL.
      return { kind: "udh_ie_overflow", dataCoding: 8, esmClass: 0x40, bytes: concat(Uint8Array.of(0x05, 0x00, 0x09, 1, 2, 1), ucs2(valid)) };
    }
    case 7: {
      // Concatenation IE with total 0, seq 0, seq > total, or two concat IEs.
      const ref = r.int(256);
      const header = r.pick([
        Uint8Array.of(0x05, 0x00, 0x03, ref, 0, 1),
        Uint8Array.of(0x05, 0x00, 0x03, ref, 2, 0),
        Uint8Array.of(0x05, 0x00, 0x03, ref, 2, 3),
        Uint8Array.of(0x0a, 0x00, 0x03, ref, 2, 1, 0x00, 0x03, ref, 2, 2),
        Uint8Array.of(0x06, 0x08, 0x04, ref, ref, 1, 1),
        Uint8Array.of(0x05, 0x00, 0x02, ref, 2, 1),
      ]);
      return { kind: "udh_concat_broken", dataCoding: 8, esmClass: 0x40, bytes: concat(header, ucs2(valid)) };
    }
    case 8: {
      // A plausible part of a two-part message (held for the rest; the rest rarely comes).
      if (r.chance(0.7)) return { kind: "ucs2_valid", dataCoding: 8, esmClass: 0, bytes: ucs2(valid) };
      const ref = r.int(256);
      return { kind: "udh_concat_part", dataCoding: 8, esmClass: 0x40, bytes: concat(Uint8Array.of(0x05, 0x00, 0x03, ref, 2, r.range(1, 2)), ucs2(valid)) };
    }
    case 9:
      // Unsupported or reserved data_coding, binary, compressed.
      return { kind: "data_coding_odd", dataCoding: r.pick([0x05, 0x09, 0x0b, 0x0c, 0x2f, 0x24, 0x8f, 0xbf, 0x04, 0x02, 0xf4]), esmClass: 0, bytes: r.bytes(r.int(40)) };
    case 10:
      // GSM 7-bit (unpacked, as SMPP carries it) with an escape at the end and random septets.
      return { kind: "gsm7_random", dataCoding: r.pick([0x00, 0x10, 0xf0]), esmClass: 0, bytes: concat(r.bytes(r.int(30)).map((b) => b & 0x7f), Uint8Array.of(0x1b)) };
    case 11: {
      // SAR TLVs: partial, out of range, wrong length.
      const tlvs = r.pick([
        tlv(0x020c, u16(7)),
        concat(tlv(0x020c, u16(7)), tlv(0x020e, Uint8Array.of(0)), tlv(0x020f, Uint8Array.of(1))),
        concat(tlv(0x020c, u16(7)), tlv(0x020e, Uint8Array.of(2)), tlv(0x020f, Uint8Array.of(5))),
        concat(tlv(0x020c, Uint8Array.of(7)), tlv(0x020e, Uint8Array.of(2)), tlv(0x020f, Uint8Array.of(1))),
      ]);
      return { kind: "sar_broken", dataCoding: 8, esmClass: 0, bytes: ucs2(valid), tlvs };
    }
    case 12:
      // message_payload and short_message both present (the spec forbids it).
      return { kind: "payload_and_short_message", dataCoding: 8, esmClass: 0, bytes: ucs2(valid), tlvs: tlv(0x0424, ucs2(valid)) };
    default:
      // Latin-1 with control characters and NULs in the text.
      return { kind: "latin1_controls", dataCoding: 0x03, esmClass: 0, bytes: concat(latin1("\u3010x\u3011 "), Uint8Array.of(0, 1, 0x1b, 0x7f, 0x9f, 0), r.bytes(r.int(20))) };
  }
}

/** One generated PDU: its bytes and what kind of input it is (for the counts). */
export interface FuzzPdu {
  bytes: Uint8Array;
  kind: string;
}

/**
 * The generator. `index` feeds the unique marker in valid texts; `sequence` is the sender's
 * counter. About 2 % of the output desynchronises the stream on purpose (bad command_length,
 * raw random bytes), which makes the server close the connection.
 */
export class FuzzGenerator {
  constructor(
    private readonly r: Prng,
    private readonly credentials: FuzzCredentials,
  ) {}

  /** A valid bind_transceiver with the fuzz account's credentials. */
  validBind(sequence: number): Uint8Array {
    return pdu(Cmd.bind_transceiver, sequence, bindBody(this.credentials.systemId, this.credentials.password));
  }

  private base(sequence: number, marker: number): FuzzPdu {
    const r = this.r;
    const roll = r.int(100);
    if (roll < 40) {
      const t = textPayload(r, marker);
      const m: ShortMessage = {
        serviceType: r.pick(["VER", "NTF", "MKT", "", "XXXXX"]), esmClass: t.esmClass, dataCoding: t.dataCoding, shortMessage: t.bytes,
        registeredDelivery: r.int(2), destination: `138${String(r.int(100_000_000)).padStart(8, "0")}`,
        ...(t.tlvs && { tlvs: t.tlvs }),
      };
      if (t.bytes.length > 254 && !t.tlvs) {
        m.shortMessage = new Uint8Array(0);
        m.tlvs = tlv(0x0424, t.bytes);
      }
      return { bytes: pdu(Cmd.submit_sm, sequence, submitBody(m)), kind: `submit_sm:${t.kind}` };
    }
    if (roll < 47) {
      const t = textPayload(r, marker);
      return { bytes: pdu(Cmd.data_sm, sequence, dataSmBody({ esmClass: t.esmClass, dataCoding: t.dataCoding, shortMessage: t.bytes })), kind: `data_sm:${t.kind}` };
    }
    if (roll < 52) {
      const t = textPayload(r, marker);
      const dests = Array.from({ length: r.int(4) }, () => `139${String(r.int(100_000_000)).padStart(8, "0")}`);
      return { bytes: pdu(Cmd.submit_multi, sequence, submitMultiBody({ dataCoding: t.dataCoding, esmClass: t.esmClass, shortMessage: t.bytes }, dests, r.chance(0.3) ? ["list1"] : [])), kind: `submit_multi:${t.kind}` };
    }
    if (roll < 62) {
      const c = this.credentials;
      const variant = r.int(6);
      const body =
        variant === 0 ? bindBody(c.systemId, c.password)
        : variant === 1 ? bindBody(c.systemId, "wrongpw")
        : variant === 2 ? bindBody(`nobody${r.int(1000)}`, "x")
        : variant === 3 ? bindBody("A".repeat(r.range(16, 40)), c.password)
        : variant === 4 ? bindBody(c.systemId, "P".repeat(r.range(9, 30)))
        : bindBody(c.systemId, c.password, "T".repeat(r.range(0, 20)), "R".repeat(r.range(0, 60)));
      return { bytes: pdu(r.pick([Cmd.bind_transceiver, Cmd.bind_transmitter, Cmd.bind_receiver]), sequence, body), kind: `bind:${variant}` };
    }
    if (roll < 72) return { bytes: pdu(Cmd.enquire_link, sequence, new Uint8Array(0)), kind: "enquire_link" };
    if (roll < 76) return { bytes: pdu(Cmd.query_sm, sequence, concat(cstr("0A000001"), Uint8Array.of(1, 1), cstr("1069000101"))), kind: "query_sm" };
    if (roll < 78) return { bytes: pdu(Cmd.cancel_sm, sequence, concat(cstr(""), cstr("0A000001"), Uint8Array.of(1, 1), cstr("1069000101"), Uint8Array.of(1, 1), cstr("13800000001"))), kind: "cancel_sm" };
    if (roll < 80) return { bytes: pdu(Cmd.replace_sm, sequence, concat(cstr("0A000001"), Uint8Array.of(1, 1), cstr("1069000101"), cstr(""), cstr(""), Uint8Array.of(0, 0, 2, 0x41, 0x42))), kind: "replace_sm" };
    if (roll < 83) return { bytes: pdu(Cmd.deliver_sm, sequence, submitBody({ esmClass: 4, shortMessage: latin1("id:1 stat:DELIVRD") , dataCoding: 0 })), kind: "deliver_sm_wrong_direction" };
    if (roll < 85) return { bytes: pdu(r.pick([Cmd.outbind, Cmd.alert_notification]), sequence, concat(cstr("x"), cstr("y"))), kind: "outbind_or_alert" };
    if (roll < 90) {
      // Responses the server never asked for (generic_nack, submit_sm_resp, enquire_link_resp …): nacked when bound, a generic_nack never.
      const id = r.pick([Cmd.generic_nack, 0x80000004, 0x80000015, 0x80000009, 0x80000005, 0x80000006]);
      return { bytes: pdu(id, sequence, r.chance(0.5) ? cstr("0A000001") : new Uint8Array(0), r.int(0x100)), kind: "unsolicited_response" };
    }
    if (roll < 96) {
      // Unknown command ids (reserved ranges, vendor range, near-misses).
      const id = r.pick([0x00000000, 0x0000000a, 0x00000014, 0x00000016, 0x00000104, 0x00010200, 0x7fffffff, r.int(0x80000000)]);
      return { bytes: pdu(id, sequence, r.bytes(r.int(30))), kind: "unknown_command" };
    }
    if (roll < 97) return { bytes: pdu(Cmd.unbind, sequence, new Uint8Array(0)), kind: "unbind" };
    // A well-framed PDU of random content (random command id and body).
    return { bytes: pdu(r.int(2) ? r.int(0x120) : r.int(0x100000000), sequence, r.bytes(r.int(200)), r.int(0x100000000)), kind: "random_frame" };
  }

  /** The next PDU: a base PDU, possibly mutated. */
  next(sequence: number, marker: number): FuzzPdu {
    const r = this.r;
    const base = this.base(sequence, marker);
    const roll = r.int(1000);
    const bytes = base.bytes;
    if (roll < 300) return base; // unmutated (still often invalid by content)
    if (roll < 500) return { bytes: flipBytes(r, bytes), kind: `${base.kind}+flip` };
    if (roll < 640) return { bytes: truncateBody(r, bytes), kind: `${base.kind}+truncated` };
    if (roll < 750) return { bytes: withLength(concat(bytes, r.bytes(r.range(1, 40)))), kind: `${base.kind}+trailing` };
    if (roll < 860) return { bytes: brokenTlv(r, bytes), kind: `${base.kind}+tlv` };
    if (roll < 920) return { bytes: dropNuls(bytes), kind: `${base.kind}+no_nul` };
    if (roll < 960) return { bytes: withLength(concat(bytes, ...Array.from({ length: r.range(50, 600) }, () => tlv(0x1400 + r.int(0x100), r.bytes(r.int(4)))))), kind: `${base.kind}+many_tlvs` };
    if (roll < 980) {
      // command_length a little off: the stream desynchronises; the server must still cope.
      const out = bytes.slice();
      new DataView(out.buffer).setUint32(0, Math.max(16, bytes.length + r.pick([-3, -1, 1, 2, 7, 40])));
      return { bytes: out, kind: `${base.kind}+length_off` };
    }
    if (roll < 988) {
      // Fewer than 16 bytes claimed, or a length beyond the maximum.
      const out = bytes.slice();
      new DataView(out.buffer).setUint32(0, r.pick([0, 1, 15, 16_385, 65_536, 0xffffffff, 0x7fffffff]));
      return { bytes: out, kind: "bad_command_length" };
    }
    if (roll < 993) {
      // Oversize: a frame above the 16 KiB maximum, sent whole.
      return { bytes: withLength(concat(bytes, new Uint8Array(16_400))), kind: "oversize_pdu" };
    }
    // Raw random bytes, no framing at all.
    return { bytes: r.bytes(r.range(1, 64)), kind: "random_bytes" };
  }
}

function withLength(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, bytes.length);
  return bytes;
}

function flipBytes(r: Prng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const n = r.range(1, 4);
  for (let i = 0; i < n && out.length > 16; i++) out[r.range(4, out.length - 1)] = r.int(256); // keep command_length
  return out;
}

function truncateBody(r: Prng, bytes: Uint8Array): Uint8Array {
  if (bytes.length <= 16) return bytes;
  return withLength(bytes.slice(0, r.range(16, bytes.length - 1)));
}

function brokenTlv(r: Prng, bytes: Uint8Array): Uint8Array {
  const variant = r.int(4);
  const extra =
    variant === 0 ? concat(u16(0x0424), u16(r.range(50, 0xffff)), r.bytes(r.int(10))) // length beyond the body
    : variant === 1 ? Uint8Array.of(0x02, 0x04).subarray(0, r.range(1, 2)) // stray octets
    : variant === 2 ? tlv(r.pick([0x0204, 0x020a, 0x020e, 0x0427, 0x0005]), r.bytes(r.pick([0, 3, 5]))) // wrong fixed length
    : tlv(0x001e, r.bytes(r.range(66, 200))); // receipted_message_id too long
  return withLength(concat(bytes, extra));
}

function dropNuls(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (i < 16 || bytes[i] !== 0) out.push(bytes[i]!);
  return withLength(Uint8Array.from(out));
}
