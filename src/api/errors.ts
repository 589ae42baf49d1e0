// Kept for src/api/signatures/* only (another branch owns it): the error list lives in src/lib/errors.ts.
export * from "../lib/errors.ts";
