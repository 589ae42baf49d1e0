/**
 * Message text for the gatekeeper: decode what an ESME submitted, find its place in a
 * concatenated message, and reassemble the parts so the policy judges the whole text.
 */
export { describeDataCoding, type Alphabet, type DataCodingInfo } from "./data-coding.ts";
export {
  decodeShortMessage,
  resolveAlphabet,
  type DecodeOptions,
  type DecodeResult,
  type ResolvedAlphabet,
  type SmscDefaultAlphabet,
} from "./decode.ts";
export { encodeText, splitForSubmit, type SplitOptions, type SubmitPart } from "./encode.ts";
export { buildConcatUdh, ESM_CLASS_UDHI, parseUdh, type ConcatInfo, type Udh, type UdhResult } from "./udh.ts";
export { extractMessageText, type MessageConcat, type MessageFields, type MessageTextResult } from "./message-text.ts";
export {
  ConcatenationAssembler,
  type AddResult,
  type ConcatenationLimits,
  type ConcatenationPart,
  type ConcatenationStats,
  type ExpiredSet,
} from "./concatenation.ts";
export {
  CONCATENATION_REJECT_REASONS,
  TEXT_FAILURE_REASONS,
  type ConcatenationRejectReason,
  type TextFailureReason,
} from "./reasons.ts";
