/**
 * What an SMPP data_coding octet means, decided once per value into a 256-entry table.
 *
 * SMPP 3.4 (§5.2.19) redefines the 0x00–0x0F range with its own alphabets; everything above
 * follows the GSM 03.38 / 3GPP TS 23.038 §4 data coding scheme. node-smpp masks with `& 0x0F`:
 * 0x18 (UCS2, class 0) lands on 0x08 by luck, but 0x19 (UCS2, class 1) lands on 0x09 (pictogram),
 * 0x11 (GSM 7-bit, class 1) on 0x01 (IA5) and 0x48 (UCS2, auto-delete) on 0x08 only by accident.
 * Here every value is looked up whole.
 */

/** The text alphabets this layer decodes. `smsc_default` is 0x00: GSM 7-bit unless configured. */
export type Alphabet = "smsc_default" | "gsm7" | "ia5" | "latin1" | "cyrillic" | "hebrew" | "ucs2" | "gbk";

export type DataCodingInfo =
  | { kind: "text"; alphabet: Alphabet; messageClass?: 0 | 1 | 2 | 3 }
  | { kind: "binary"; messageClass?: 0 | 1 | 2 | 3 }
  | { kind: "unsupported"; detail: string };

/** How a GSM 03.38 alphabet field (bits 3..2 of the general group) reads. */
function generalAlphabet(dataCoding: number, withClass: boolean): DataCodingInfo {
  const messageClass = withClass ? ((dataCoding & 0x03) as 0 | 1 | 2 | 3) : undefined;
  const classPart = messageClass === undefined ? {} : { messageClass };
  switch ((dataCoding >> 2) & 0x03) {
    case 0:
      return { kind: "text", alphabet: "gsm7", ...classPart };
    case 1:
      return { kind: "binary", ...classPart };
    case 2:
      return { kind: "text", alphabet: "ucs2", ...classPart };
    default:
      return { kind: "unsupported", detail: "reserved alphabet (bits 3..2 = 11)" };
  }
}

function classify(dataCoding: number): DataCodingInfo {
  // SMPP 3.4's own table for 0x00–0x0F. 0x0F is not in SMPP 3.4; Chinese gateways use it for GBK
  // (CMPP msg_fmt 15) and that is the traffic this gatekeeper carries.
  switch (dataCoding) {
    case 0x00: return { kind: "text", alphabet: "smsc_default" };
    case 0x01: return { kind: "text", alphabet: "ia5" };
    case 0x02: return { kind: "binary" };
    case 0x03: return { kind: "text", alphabet: "latin1" };
    case 0x04: return { kind: "binary" };
    case 0x05: return { kind: "unsupported", detail: "JIS (X 0208-1990)" };
    case 0x06: return { kind: "text", alphabet: "cyrillic" };
    case 0x07: return { kind: "text", alphabet: "hebrew" };
    case 0x08: return { kind: "text", alphabet: "ucs2" };
    case 0x09: return { kind: "unsupported", detail: "pictogram encoding" };
    case 0x0a: return { kind: "unsupported", detail: "ISO-2022-JP" };
    case 0x0d: return { kind: "unsupported", detail: "extended Kanji JIS (X 0212-1990)" };
    case 0x0e: return { kind: "unsupported", detail: "KS C 5601" };
    case 0x0f: return { kind: "text", alphabet: "gbk" };
  }
  if (dataCoding < 0x10) return { kind: "unsupported", detail: "reserved SMPP data_coding" };
  const group = dataCoding >> 4;
  // 00xx (general) and 01xx (marked for automatic deletion, 23.038): bit 5 = compressed,
  // bit 4 = bits 1..0 carry a message class, bits 3..2 = alphabet.
  if (group <= 0x07) {
    if (dataCoding & 0x20) return { kind: "unsupported", detail: "compressed (GSM 03.42)" };
    return generalAlphabet(dataCoding, (dataCoding & 0x10) !== 0);
  }
  if (group <= 0x0b) return { kind: "unsupported", detail: "reserved coding group" };
  // Message waiting indication groups: 0xC discard / 0xD store use the default alphabet,
  // 0xE store uses UCS2. The handset may discard a 0xC message's text, but we judge it anyway.
  if (group === 0x0c || group === 0x0d) return { kind: "text", alphabet: "gsm7" };
  if (group === 0x0e) return { kind: "text", alphabet: "ucs2" };
  // 0xF: data coding / message class. Bit 3 is reserved; like Kannel and the SMSCs we ignore it
  // rather than refuse, so 0xF8–0xFF read as 0xF0–0xF7. Bit 2 selects 8-bit data.
  const messageClass = (dataCoding & 0x03) as 0 | 1 | 2 | 3;
  return dataCoding & 0x04 ? { kind: "binary", messageClass } : { kind: "text", alphabet: "gsm7", messageClass };
}

const TABLE: readonly DataCodingInfo[] = Array.from({ length: 256 }, (_, value) => Object.freeze(classify(value)));

/** The meaning of a data_coding octet. Values outside 0–255 are unsupported. */
export function describeDataCoding(dataCoding: number): DataCodingInfo {
  return TABLE[dataCoding] ?? { kind: "unsupported", detail: `data_coding ${dataCoding} is not an octet` };
}
