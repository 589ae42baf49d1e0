import { complaintsImport } from "./complaints.kind.ts";
import { consentsImport } from "./consents.kind.ts";
import { contractsImport } from "./contracts.kind.ts";
import { enterprisesImport } from "./enterprises.kind.ts";
import type { ImportKind } from "./kind.ts";

/** The import kinds; a new one (signatures) is one file in this folder and one line here. */
export const importKinds = {
  enterprises: enterprisesImport,
  contracts: contractsImport,
  complaints: complaintsImport,
  consents: consentsImport,
} as const satisfies Record<string, ImportKind<any>>;

export type { ImportKind, ImportKindName } from "./kind.ts";
