/**
 * short_message / message_payload octets → the text a handset would show, or a reason why the
 * gatekeeper cannot know it. Decoding is strict: bytes that are not valid in the named alphabet
 * are an error, never replacement characters, because a filter that reads "�" where the handset
 * reads a word can be walked around.
 */
import iconv from "iconv-lite";
import { describeDataCoding, type Alphabet } from "./data-coding.ts";
import { codeUnitsToString, decodeGsm7 } from "./gsm7.ts";
import type { TextFailureReason } from "./reasons.ts";
import { parseUdh, type Udh } from "./udh.ts";

/** The alphabet data_coding 0x00 ("SMSC default") stands for on the SMSC behind us. */
export type SmscDefaultAlphabet = "gsm7" | "latin1" | "ia5";

export interface DecodeOptions {
  /** Default "gsm7". Some SMSCs read 0x00 as Latin-1 or ASCII; only 0x00 follows this setting. */
  smscDefaultAlphabet?: SmscDefaultAlphabet;
}

/** The alphabet actually used to decode (0x00 resolved through the option). */
export type ResolvedAlphabet = Exclude<Alphabet, "smsc_default">;

export type DecodeResult =
  | { ok: true; text: string; alphabet: ResolvedAlphabet; messageClass?: 0 | 1 | 2 | 3; udh?: Udh }
  | { ok: false; reason: TextFailureReason; detail: string; udh?: Udh };

/** A fatal decoder, or null when the runtime lacks the encoding (Node without full ICU). */
function fatalDecoder(label: Bun.Encoding): TextDecoder | null {
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    return null;
  }
}

// Decoders are stateless between decode() calls (no `stream`), so one instance serves all calls.
// Bun and Node's WHATWG "gbk" is the GB18030 decoder: a superset, and what Chinese handsets show.
const GBK = fatalDecoder("gbk");
const CYRILLIC = fatalDecoder("iso-8859-5");
const HEBREW = fatalDecoder("iso-8859-8");

type TextResult = { ok: true; text: string } | { ok: false; detail: string };

function withDecoder(decoder: TextDecoder | null, fallbackLabel: string, bytes: Uint8Array): TextResult {
  if (decoder) {
    try {
      return { ok: true, text: decoder.decode(bytes) };
    } catch {
      return { ok: false, detail: `not valid ${decoder.encoding}` };
    }
  }
  // iconv-lite replaces invalid input with U+FFFD instead of failing; treat that as invalid.
  const text = iconv.decode(bytes, fallbackLabel);
  return text.includes("\uFFFD") ? { ok: false, detail: `not valid ${fallbackLabel}` } : { ok: true, text };
}

/** UTF-16BE with surrogate pairs; an odd length or an unpaired surrogate is an error. */
function decodeUcs2(bytes: Uint8Array): TextResult {
  if (bytes.length % 2 !== 0) return { ok: false, detail: `odd length ${bytes.length} for UCS2` };
  const units = new Uint16Array(bytes.length / 2);
  for (let i = 0, j = 0; i < bytes.length; i += 2, j++) {
    const unit = (bytes[i]! << 8) | bytes[i + 1]!;
    units[j] = unit;
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = i + 2 < bytes.length ? (bytes[i + 2]! << 8) | bytes[i + 3]! : -1;
    if (unit > 0xdbff || next < 0xdc00 || next > 0xdfff) {
      return { ok: false, detail: `lone surrogate 0x${unit.toString(16)} at octet ${i}` };
    }
    units[++j] = next;
    i += 2;
  }
  return { ok: true, text: codeUnitsToString(units) };
}

/** Octet = code point (ISO-8859-1). Not TextDecoder("latin1"), which is windows-1252. */
function decodeLatin1(bytes: Uint8Array): TextResult {
  return { ok: true, text: codeUnitsToString(bytes) };
}

function decodeIa5(bytes: Uint8Array): TextResult {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) return { ok: false, detail: `octet 0x${bytes[i]!.toString(16)} at ${i} is not IA5` };
  }
  return { ok: true, text: codeUnitsToString(bytes) };
}

function decodeAlphabet(alphabet: ResolvedAlphabet, bytes: Uint8Array): TextResult {
  switch (alphabet) {
    case "gsm7": return decodeGsm7(bytes);
    case "ia5": return decodeIa5(bytes);
    case "latin1": return decodeLatin1(bytes);
    case "ucs2": return decodeUcs2(bytes);
    case "gbk": return withDecoder(GBK, "gbk", bytes);
    case "cyrillic": return withDecoder(CYRILLIC, "iso-8859-5", bytes);
    case "hebrew": return withDecoder(HEBREW, "iso-8859-8", bytes);
  }
}

export function resolveAlphabet(alphabet: Alphabet, options?: DecodeOptions): ResolvedAlphabet {
  return alphabet === "smsc_default" ? (options?.smscDefaultAlphabet ?? "gsm7") : alphabet;
}

/**
 * Decode one short_message (or message_payload). `hasUdh` is `(esm_class & 0x40) !== 0`; the
 * header is parsed and the text starts after it. No copy of the input is made.
 */
export function decodeShortMessage(
  bytes: Uint8Array,
  dataCoding: number,
  hasUdh: boolean,
  options?: DecodeOptions,
): DecodeResult {
  const coding = describeDataCoding(dataCoding);
  if (coding.kind === "unsupported") {
    return { ok: false, reason: "unsupported_data_coding", detail: `data_coding 0x${dataCoding.toString(16)}: ${coding.detail}` };
  }
  let udh: Udh | undefined;
  let body = bytes;
  if (hasUdh) {
    const parsed = parseUdh(bytes);
    if (!parsed.ok) return { ok: false, reason: "broken_udh", detail: parsed.detail };
    udh = parsed.udh;
    body = bytes.subarray(udh.headerLength);
  }
  const withUdh = udh ? { udh } : {};
  if (coding.kind === "binary") {
    return { ok: false, reason: "binary", detail: `data_coding 0x${dataCoding.toString(16)} is 8-bit data`, ...withUdh };
  }
  const alphabet = resolveAlphabet(coding.alphabet, options);
  if (alphabet === "gsm7" && udh?.nationalLanguage) {
    // A shift table changes what the septets mean; decoding with the default table would judge
    // different text than the handset shows.
    return { ok: false, reason: "national_language_shift", detail: "national language shift IE present", ...withUdh };
  }
  const decoded = decodeAlphabet(alphabet, body);
  if (!decoded.ok) return { ok: false, reason: "invalid_encoding", detail: decoded.detail, ...withUdh };
  // Optional fields set in place, not spread: this runs for every message part.
  const result: DecodeResult = { ok: true, text: decoded.text, alphabet };
  if (coding.messageClass !== undefined) result.messageClass = coding.messageClass;
  if (udh) result.udh = udh;
  return result;
}
