// Kept for src/api/signatures/* only (another branch owns it): the module lives in src/enterprises/enterprise-scope.ts.
export * from "../enterprises/enterprise-scope.ts";
