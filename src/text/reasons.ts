/**
 * The closed list of reasons the text layer gives when it cannot produce text a policy can judge.
 * The policy's rejection list (code, sentence, command_status) maps these; nobody matches on the
 * sentences. Every one of them is a refusal of the message, never a temporary error: an ESME
 * would retry a temporary error with the same bytes and get the same answer.
 */
export const TEXT_FAILURE_REASONS = {
  binary: "8-bit binary data, not text",
  unsupported_data_coding: "data_coding is reserved, compressed or an alphabet this gateway does not decode",
  invalid_encoding: "the bytes are not valid in the alphabet data_coding names",
  national_language_shift: "GSM national language shift tables are not supported",
  broken_udh: "the user data header is malformed",
  both_short_message_and_payload: "short_message and message_payload are both set",
  conflicting_concatenation: "concatenation is given both in the UDH and in sar_* TLVs",
  invalid_sar: "sar_* TLVs are incomplete or out of range",
  nul_in_text: "the decoded text holds a NUL character (U+0000), where C-string code on the way may cut it",
  bidi_control: "the text holds a bidirectional control character (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) that makes a handset show it in another order",
  sim_toolkit: "the user data header carries a (U)SIM Toolkit command packet (IEI 0x70–0x7F): the SIM acts on it, the reader never sees it",
  reversed_byte_order: "UCS2 text holds U+FFFE, a byte-order mark read backwards: a reader honouring it sees other text",
} as const;
export type TextFailureReason = keyof typeof TEXT_FAILURE_REASONS;

/** Why the reassembler refused a part (and, with it, every part of its set it was holding). */
export const CONCATENATION_REJECT_REASONS = {
  duplicate_part: "a part with this sequence number was already received",
  inconsistent_total: "the part announces a different total than earlier parts of the set",
  seq_out_of_range: "the sequence number is 0, above the total, or the total is 0",
  too_many_pending: "too many concatenated messages are waiting for their parts",
  too_large: "the message has too many parts or the held parts exceed the byte budget",
} as const;
export type ConcatenationRejectReason = keyof typeof CONCATENATION_REJECT_REASONS;
