/** How a message whose text cannot be read is refused, the same way whatever protocol carried it. */
import type { ReasonCode } from "../policy/reasons.ts";
import type { TextFailureReason } from "../text/index.ts";

/** Text failures that are two readings of one message (smuggling), not text we cannot decode. */
const AMBIGUOUS: ReadonlySet<TextFailureReason> = new Set(["both_short_message_and_payload", "conflicting_concatenation", "nul_in_text", "reversed_byte_order", "bidi_control", "sim_toolkit"]);

export const textRefusal = (reason: TextFailureReason): ReasonCode => (AMBIGUOUS.has(reason) ? "message_ambiguous" : "undecodable_text");

/**
 * Protocol identifiers (3GPP TS 23.040 §9.2.3.9; SMPP protocol_id, CMPP TP_pId) whose message the
 * handset does not show its user: 0x40 Short Message Type 0 ("silent SMS"), 0x7C ANSI-136 R-DATA,
 * 0x7D ME data download, 0x7E ME de-personalisation, 0x7F (U)SIM data download.
 */
export const NOT_SHOWN_PROTOCOL_IDS: ReadonlySet<number> = new Set([0x40, 0x7c, 0x7d, 0x7e, 0x7f]);

/** A phone number: digits, optionally with a leading +. */
export const VALID_DESTINATION = /^\+?\d{3,20}$/;
