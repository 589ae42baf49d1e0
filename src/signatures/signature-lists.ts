/**
 * The closed lists of the signatures domain, declared once next to the Drizzle schema; the console
 * imports them from here (it never imports src/db).
 */
export { categories, evidenceKinds, signatureStatuses } from "../db/schema/index.ts";
