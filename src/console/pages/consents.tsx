/**
 * Consents: search by number, current consents per enterprise, those expiring within 30 days. (What
 * enforcing `consent` would refuse is on the rule-modes page, pages/shield.tsx.)
 */
import { z } from "@hono/zod-openapi";
import { consentCountsByEnterprise, listConsents, type Consent } from "../../consents/consents.service.ts";
import { msisdnInput } from "../../lib/msisdn-input.ts";
import type { ConsoleContext } from "../auth.ts";
import { enterpriseName, loadDirectory } from "../directory.ts";
import { optionalEnum, parseQuery } from "../filters.ts";
import { FilterForm, SelectField, TextField } from "../forms.tsx";
import { formatTime, labelOf } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { DataTable, type Column } from "../lists.tsx";
import { render, serviceContextOf } from "../page.tsx";

const consentsQuery = z.object({
  msisdn: z.preprocess((v) => (v === "" ? undefined : v), msisdnInput.optional()),
  status: optionalEnum(["current", "expired", "withdrawn"]),
  expiring: optionalEnum(["30"]),
});

export async function consentsPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const query = parseQuery(c, consentsQuery);
  const directory = await loadDirectory(ctx);
  const searching = query.msisdn !== undefined || query.status !== undefined || query.expiring !== undefined;
  const [rows, counts] = await Promise.all([
    searching ? listConsents(ctx, { msisdn: query.msisdn, status: query.status, expiringWithinDays: query.expiring ? 30 : undefined }, { limit: 100 }) : Promise.resolve([] as Consent[]),
    consentCountsByEnterprise(ctx),
  ]);
  const columns: Column<Consent>[] = [
    { key: "recipientMask", label: "col.recipient", value: (r) => r.recipientMask },
    { key: "enterprise", label: "col.enterprise", value: (r) => enterpriseName(directory, r.enterpriseId) },
    { key: "status", label: "col.status", value: (r) => labelOf(t, "consent", r.status) },
    { key: "source", label: "col.consentSource", value: (r) => r.source },
    { key: "evidenceRef", label: "col.evidence", value: (r) => r.evidenceRef },
    { key: "frequency", label: "col.frequency", value: (r) => r.frequency },
    { key: "consentedAt", label: "col.consentedAt", value: (r) => formatTime(r.consentedAt) },
    { key: "expiresAt", label: "col.expiresAt", value: (r) => formatTime(r.expiresAt) },
  ];
  const countColumns: Column<(typeof counts)[number]>[] = [
    { key: "enterprise", label: "col.enterprise", value: (r) => r.name },
    { key: "current", label: "col.currentConsents", value: (r) => r.current, numeric: true },
    { key: "expiringSoon", label: "col.expiringSoon", value: (r) => r.expiringSoon, numeric: true },
  ];
  return render(
    c,
    t("consents.title"),
    <>
      <FilterForm frame={frame} action="/console/consents">
        {/* The number is not echoed back into the page: only its mask is shown. */}
        <TextField name="msisdn" label={t("col.recipient")} value={undefined} size={16} />
        <SelectField frame={frame} name="status" label={t("filter.status")} value={query.status} options={(["current", "expired", "withdrawn"] as const).map((s) => [s, labelOf(t, "consent", s)])} />
        <SelectField frame={frame} name="expiring" label={t("col.expiringSoon")} value={query.expiring} options={[["30", t("consents.within30")]]} />
      </FilterForm>
      {searching ? <DataTable frame={frame} caption={t("consents.found")} rows={rows} columns={columns} /> : <p>{t("consents.hint")}</p>}
      <h2>{t("consents.byEnterprise")}</h2>
      <DataTable frame={frame} rows={counts} columns={countColumns} />
    </>,
  );
}

