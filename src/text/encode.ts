/**
 * Text → octets, the way an ESME would send them. Used by tests and the SMSC simulator, not on the
 * proxy's hot path, so it favours one simple per-character path over speed. Throws RangeError for
 * text the alphabet cannot carry: a test that builds an impossible message should fail loudly.
 */
import iconv from "iconv-lite";
import { describeDataCoding } from "./data-coding.ts";
import { resolveAlphabet, type DecodeOptions, type ResolvedAlphabet } from "./decode.ts";
import { gsm7Septets } from "./gsm7.ts";
import { buildConcatUdh, ESM_CLASS_UDHI } from "./udh.ts";

/** The SMS payload the air interface carries: 140 octets, i.e. 160 septets once packed. */
const OCTETS_PER_SMS = 140;
const SEPTETS_PER_SMS = 160;
const MAX_PARTS = 255;

const ICONV_LABELS: Partial<Record<ResolvedAlphabet, string>> = { gbk: "gbk", cyrillic: "iso88595", hebrew: "iso88598" };

function textAlphabet(dataCoding: number, options?: DecodeOptions): ResolvedAlphabet {
  const coding = describeDataCoding(dataCoding);
  if (coding.kind !== "text") throw new RangeError(`data_coding 0x${dataCoding.toString(16)} does not carry text`);
  return resolveAlphabet(coding.alphabet, options);
}

/** The octets of one character (one code point), or a RangeError. */
function encodeChar(char: string, alphabet: ResolvedAlphabet): Uint8Array {
  const code = char.codePointAt(0)!;
  let bytes: Uint8Array | undefined;
  switch (alphabet) {
    case "gsm7":
      bytes = gsm7Septets(char);
      break;
    case "ia5":
      if (code < 0x80) bytes = Uint8Array.of(code);
      break;
    case "latin1":
      if (code < 0x100) bytes = Uint8Array.of(code);
      break;
    case "ucs2":
      bytes = new Uint8Array(char.length * 2);
      for (let i = 0; i < char.length; i++) {
        bytes[2 * i] = char.charCodeAt(i) >> 8;
        bytes[2 * i + 1] = char.charCodeAt(i) & 0xff;
      }
      break;
    default: {
      const label = ICONV_LABELS[alphabet]!;
      const encoded = iconv.encode(char, label);
      // iconv-lite substitutes "?" for what it cannot encode; a round trip tells them apart.
      if (iconv.decode(encoded, label) === char) bytes = new Uint8Array(encoded);
    }
  }
  if (!bytes) throw new RangeError(`${JSON.stringify(char)} cannot be encoded in ${alphabet}`);
  return bytes;
}

function encodeChars(text: string, alphabet: ResolvedAlphabet): Uint8Array[] {
  const chars: Uint8Array[] = [];
  // for…of walks code points, so a surrogate pair stays one unit and is never split.
  for (const char of text) chars.push(encodeChar(char, alphabet));
  return chars;
}

function concat(chunks: readonly Uint8Array[], prefix?: Uint8Array): Uint8Array {
  let length = prefix?.length ?? 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  if (prefix) {
    out.set(prefix);
    offset = prefix.length;
  }
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The whole text in one octet string (no UDH, no length limit). */
export function encodeText(text: string, dataCoding: number, options?: DecodeOptions): Uint8Array {
  return concat(encodeChars(text, textAlphabet(dataCoding, options)));
}

export interface SplitOptions extends DecodeOptions {
  udhRefBits: 8 | 16;
  ref: number;
}

export interface SubmitPart {
  shortMessage: Uint8Array;
  /** 0x40 (UDHI) when the part starts with a UDH, else 0: OR it into esm_class. */
  esmClass: number;
}

/**
 * Split text into submit_sm parts with a concatenation UDH, as an ESME does: one part without UDH
 * when it fits (160 GSM septets / 140 octets), else 153 GSM septets / 67 UCS2 characters / 134
 * octets per part with 8-bit refs (152 / 66 / 133 with 16-bit refs). A GSM escape pair or a UTF-16
 * surrogate pair is never cut in two.
 */
export function splitForSubmit(text: string, dataCoding: number, options: SplitOptions): SubmitPart[] {
  const alphabet = textAlphabet(dataCoding, options);
  const chars = encodeChars(text, alphabet);
  const size = chars.reduce((sum, char) => sum + char.length, 0);
  const gsm = alphabet === "gsm7";
  if (size <= (gsm ? SEPTETS_PER_SMS : OCTETS_PER_SMS)) return [{ shortMessage: concat(chars), esmClass: 0 }];

  const udhLength = options.udhRefBits === 8 ? 6 : 7;
  // Unpacked septets: the header takes ceil(udh bits / 7) septets of the 160 once packed.
  const limit = gsm ? SEPTETS_PER_SMS - Math.ceil((udhLength * 8) / 7) : OCTETS_PER_SMS - udhLength;
  const groups: Uint8Array[][] = [[]];
  let used = 0;
  for (const char of chars) {
    if (used + char.length > limit) {
      groups.push([]);
      used = 0;
    }
    groups[groups.length - 1]!.push(char);
    used += char.length;
  }
  if (groups.length > MAX_PARTS) throw new RangeError(`text needs ${groups.length} parts; the UDH allows ${MAX_PARTS}`);
  return groups.map((group, index) => ({
    shortMessage: concat(group, buildConcatUdh(options.ref, groups.length, index + 1, options.udhRefBits)),
    esmClass: ESM_CLASS_UDHI,
  }));
}
