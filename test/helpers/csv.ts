import type { TestApi, TestResponse } from "./api.ts";

/** POSTs a CSV body (string or bytes) to an import endpoint. */
export function postCsv(api: TestApi, kind: string, csv: string | Uint8Array, token = api.operatorToken): Promise<TestResponse> {
  return api.request("POST", `/api/v1/imports/${kind}`, { token, raw: csv, headers: { "content-type": "text/csv; charset=utf-8" } });
}

export const BOM = "\uFEFF";
