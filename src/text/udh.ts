/**
 * User data header (3GPP TS 23.040 §9.2.3.24), present when esm_class has the UDHI bit (0x40).
 * Layout: UDHL (octets that follow), then information elements: IEI, IEL, IEL octets of data.
 * The parser never throws: a header that lies about its lengths is an error value.
 */

export const ESM_CLASS_UDHI = 0x40;

const IEI_CONCAT_8BIT = 0x00;
const IEI_CONCAT_16BIT = 0x08;
const IEI_LANGUAGE_SINGLE_SHIFT = 0x24;
const IEI_LANGUAGE_LOCKING_SHIFT = 0x25;

export interface ConcatInfo {
  /** Reference shared by all parts of one message: 0–255 (8-bit IE) or 0–65535 (16-bit IE). */
  ref: number;
  total: number;
  /** 1-based. Not range-checked here: the reassembler refuses 0 or seq > total. */
  seq: number;
  refBits: 8 | 16;
}

export interface Udh {
  /** Octets the header occupies, UDHL included: the text starts at this offset. */
  headerLength: number;
  concat?: ConcatInfo;
  /** GSM national language shift tables (IEI 0x24 single, 0x25 locking): they change 7-bit text. */
  nationalLanguage?: { singleShift?: number; lockingShift?: number };
  /** An (U)SIM Toolkit security header (IEI 0x70–0x7F): the message carries a command packet for the SIM. */
  simToolkit?: boolean;
}

export type UdhResult = { ok: true; udh: Udh } | { ok: false; detail: string };

export function parseUdh(bytes: Uint8Array): UdhResult {
  if (bytes.length === 0) return { ok: false, detail: "UDHI is set but the message is empty" };
  const headerLength = bytes[0]! + 1;
  if (headerLength > bytes.length) {
    return { ok: false, detail: `UDHL ${bytes[0]} runs past the ${bytes.length}-octet message` };
  }
  const udh: Udh = { headerLength };
  let offset = 1;
  while (offset < headerLength) {
    if (offset + 2 > headerLength) return { ok: false, detail: `IE at ${offset} has no length octet inside UDHL` };
    const iei = bytes[offset]!;
    const length = bytes[offset + 1]!;
    const data = offset + 2;
    if (data + length > headerLength) {
      return { ok: false, detail: `IE 0x${iei.toString(16)} length ${length} runs past UDHL` };
    }
    if (iei === IEI_CONCAT_8BIT || iei === IEI_CONCAT_16BIT) {
      // 23.040 says a repeated IE means "use the last one"; an SMSC or handset may use the first.
      // Two readings of one message is how a filter gets bypassed, so a repeat is an error.
      if (udh.concat) return { ok: false, detail: "more than one concatenation IE" };
      const wide = iei === IEI_CONCAT_16BIT;
      if (length !== (wide ? 4 : 3)) return { ok: false, detail: `concatenation IE 0x${iei.toString(16)} has length ${length}` };
      udh.concat = wide
        ? { ref: (bytes[data]! << 8) | bytes[data + 1]!, total: bytes[data + 2]!, seq: bytes[data + 3]!, refBits: 16 }
        : { ref: bytes[data]!, total: bytes[data + 1]!, seq: bytes[data + 2]!, refBits: 8 };
    } else if (iei === IEI_LANGUAGE_SINGLE_SHIFT || iei === IEI_LANGUAGE_LOCKING_SHIFT) {
      if (length !== 1) return { ok: false, detail: `national language IE 0x${iei.toString(16)} has length ${length}` };
      udh.nationalLanguage ??= {};
      if (iei === IEI_LANGUAGE_SINGLE_SHIFT) udh.nationalLanguage.singleShift = bytes[data]!;
      else udh.nationalLanguage.lockingShift = bytes[data]!;
    } else if (iei >= 0x70 && iei <= 0x7f) {
      udh.simToolkit = true;
    }
    // Other IEs (ports, EMS formatting, pictures…) do not change the text; skip them.
    offset = data + length;
  }
  return { ok: true, udh };
}

/** A header with one concatenation IE, as an ESME builds it (6 octets for 8-bit refs, 7 for 16). */
export function buildConcatUdh(ref: number, total: number, seq: number, refBits: 8 | 16): Uint8Array {
  return refBits === 8
    ? Uint8Array.of(0x05, IEI_CONCAT_8BIT, 0x03, ref & 0xff, total, seq)
    : Uint8Array.of(0x06, IEI_CONCAT_16BIT, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq);
}
