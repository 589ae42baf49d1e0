export * from "./constants.ts";
export * from "./framer.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./auth.ts";
export * from "./msg-id.ts";
export type * from "./pdu.ts";
