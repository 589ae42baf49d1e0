/** The SMPP 3.4 wire layer: constants, framing, decoding and encoding. No I/O here. */
export * from "./commands.ts";
export * from "./framer.ts";
export * from "./pdu.ts";
export * from "./tlv.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export { latin1 } from "./reader.ts";
