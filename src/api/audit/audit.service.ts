// Kept for src/api/signatures/* only (another branch owns it): the audit service lives in src/audit/audit.service.ts.
export * from "../../audit/audit.service.ts";
