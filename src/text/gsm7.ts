/**
 * GSM 03.38 default alphabet, as SMPP carries it: unpacked, one septet per octet (the SMSC packs
 * it for the air interface). Tables are built once; decoding is a table lookup per octet.
 */

const ESCAPE = 0x1b;

/** Septet → character, in septet order. 0x1B (escape) is a placeholder never emitted directly. */
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** The extension table reached by 0x1B: septet after the escape → character. */
const EXTENSION: ReadonlyArray<readonly [number, string]> = [
  [0x0a, "\f"], [0x14, "^"], [0x28, "{"], [0x29, "}"], [0x2f, "\\"],
  [0x3c, "["], [0x3d, "~"], [0x3e, "]"], [0x40, "|"], [0x65, "€"],
];

const BASIC_CODES = new Uint16Array(128);
/** 0 = not in the extension table. */
const EXTENSION_CODES = new Uint16Array(128);
/** Character code → 1 octet (basic) or 2 octets (escape + septet), for encoding. */
const ENCODE = new Map<number, Uint8Array>();

for (let septet = 0; septet < 128; septet++) {
  const code = BASIC.charCodeAt(septet);
  BASIC_CODES[septet] = code;
  if (septet !== ESCAPE) ENCODE.set(code, Uint8Array.of(septet));
}
for (const [septet, char] of EXTENSION) {
  EXTENSION_CODES[septet] = char.charCodeAt(0);
  ENCODE.set(char.charCodeAt(0), Uint8Array.of(ESCAPE, septet));
}
// Handsets render 0x09 as either Ç or ç; accept both when encoding.
ENCODE.set("ç".charCodeAt(0), Uint8Array.of(0x09));

/** Characters per String.fromCharCode call: well under every engine's argument limit. */
const CHUNK = 4096;

/** UTF-16 code units → string without building an intermediate array. */
export function codeUnitsToString(units: Uint16Array | Uint8Array, length = units.length): string {
  // The whole array as it is when it is all used (a decoded message's own array): a subarray view
  // per message cost more than the call (367 against 223 ns for a 40-character text).
  if (length <= CHUNK) return String.fromCharCode.apply(null, (length === units.length ? units : units.subarray(0, length)) as unknown as number[]);
  let text = "";
  for (let start = 0; start < length; start += CHUNK) {
    text += String.fromCharCode.apply(null, units.subarray(start, Math.min(start + CHUNK, length)) as unknown as number[]);
  }
  return text;
}

export type Gsm7Result = { ok: true; text: string } | { ok: false; detail: string };

/**
 * Unpacked septets → text. Per 23.038 §6.2.1.1 an escape followed by a septet the extension table
 * does not define shows the basic character, and escape-escape shows a space; a trailing escape
 * (an ESME that split an escape pair across parts) also reads as a space rather than refusing an
 * otherwise valid message: it cannot hide or forge text.
 */
export function decodeGsm7(bytes: Uint8Array): Gsm7Result {
  const out = new Uint16Array(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i]!;
    if (septet > 0x7f) return { ok: false, detail: `octet 0x${septet.toString(16)} at ${i} is not a septet` };
    if (septet !== ESCAPE) {
      out[length++] = BASIC_CODES[septet]!;
      continue;
    }
    const next = bytes[++i];
    if (next === undefined || next === ESCAPE) {
      out[length++] = 0x20;
    } else if (next > 0x7f) {
      return { ok: false, detail: `octet 0x${next.toString(16)} at ${i} is not a septet` };
    } else {
      out[length++] = EXTENSION_CODES[next] || BASIC_CODES[next]!;
    }
  }
  return { ok: true, text: codeUnitsToString(out, length) };
}

/** The septets of one character (1 or 2), or undefined when GSM 7-bit cannot carry it. */
export function gsm7Septets(char: string): Uint8Array | undefined {
  return char.length === 1 ? ENCODE.get(char.charCodeAt(0)) : undefined;
}
