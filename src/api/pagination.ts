// Kept for src/api/signatures/* only (another branch owns it): the module lives in src/lib/pagination.ts.
export * from "../lib/pagination.ts";
