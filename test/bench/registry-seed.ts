/**
 * A registry at any scale, written straight into the tables with set-based SQL (generate_series),
 * so ten million opt-outs take minutes, not hours. Every row has the shape the API would write:
 * valid USCCs, UUIDs, normalised signature texts, argon2 password hashes, keyed recipient hashes.
 *
 * The world is regular so the load generator can name its entities by number:
 * - SP i (0 ≤ i < sps) has bind account `sp<i>` (password BENCH_PASSWORD) and ports p with p % sps = i;
 * - enterprise e is carried by SP e % sps under a contract, sends from port e % ports, and owns five
 *   signatures 企业<e>签<k>, k = 0..4, with scopes SCOPES[k], all approved and bound to that port;
 * - opt-outs: `optOuts` bulk rows (md5-shaped hashes, enterprise i % enterprises), plus the real
 *   keyed hashes of OPTED_OUT_MSISDNS for enterprise 1, so the load has recipients that are refused.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.ts";
import { createPiiProtector } from "../../src/lib/pii.ts";
import { USCC_ALPHABET } from "../../src/lib/uscc.ts";

export const BENCH_PASSWORD = "bench123"; // SMPP passwords are at most 8 octets
export const BENCH_PII_KEY = "bench-pii-key-0123456789abcdef0123456789";
export const SCOPES = ["{verification,notification}", "{notification}", "{marketing,notification}", "{marketing}", "{verification}"] as const;

export interface Scale {
  name: string;
  serviceProviders: number;
  ports: number;
  enterprises: number;
  /** Signatures = 5 × enterprises. */
  optOuts: number;
  doNotDisturb: number;
  /** Current consents (md5-shaped hashes, enterprise i % enterprises): the snapshot's consent set at scale. */
  consents: number;
  /** What a message may say (seedContent): operator content phrases (100 rules), approved templates and link domains. */
  content?: { phrases: number; templates: number; linkDomains: number };
}

export const SCALES: Record<string, Scale> = {
  small: { name: "small", serviceProviders: 10, ports: 100, enterprises: 200, optOuts: 10_000, doNotDisturb: 1_000, consents: 10_000, content: { phrases: 1_000, templates: 1_000, linkDomains: 1_000 } },
  medium: {
    name: "medium", serviceProviders: 100, ports: 10_000, enterprises: 20_000, optOuts: 1_000_000, doNotDisturb: 10_000, consents: 1_000_000,
    content: { phrases: 10_000, templates: 100_000, linkDomains: 100_000 },
  },
  full: {
    name: "full", serviceProviders: 1000, ports: 100_000, enterprises: 200_000, optOuts: 10_000_000, doNotDisturb: 100_000, consents: 10_000_000,
    content: { phrases: 10_000, templates: 100_000, linkDomains: 100_000 },
  },
};

/** Deterministic UUID per kind and index: `<kind>0000000-0000-4000-8000-<index as 12 hex digits>`. */
export function benchId(kind: number, index: number): string {
  return `${kind.toString(16)}0000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}
const idSql = (kind: number, expr: string) => `('${kind.toString(16)}0000000-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
export const KIND = { sp: 1, enterprise: 2, contract: 3, port: 4, account: 5, signature: 6, optOut: 7, dnd: 8, consent: 9, contentRule: 10, template: 11, linkDomain: 12 } as const;

/** The verification text of the mix (mix.ts) fits this template; its signature (企业1签0) is template-only. */
export const MIX_VERIFICATION_TEMPLATE = "您的验证码是{code}，5分钟内有效，请勿泄露。";

export const portNumber = (p: number) => `1069${String(p).padStart(6, "0")}`;
export const signatureText = (enterprise: number, k: number) => `企业${enterprise}签${k}`;
/** Recipients opted out of enterprise 1 with their real keyed hash (the load sends marketing to them). */
export const OPTED_OUT_MSISDNS = Array.from({ length: 1000 }, (_, i) => `1390000${String(i).padStart(4, "0")}`);

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** USCC `91310000MA` + 7-digit serial + check character, as a SQL expression of `serial`. */
function usccSql(serial: string): string {
  const prefix = "91310000MA";
  let prefixSum = 0;
  for (let i = 0; i < prefix.length; i++) prefixSum += USCC_ALPHABET.indexOf(prefix[i]!) * WEIGHTS[i]!;
  const digits = `lpad((${serial})::text, 7, '0')`;
  const terms = Array.from({ length: 7 }, (_, k) => `substr(${digits}, ${k + 1}, 1)::int * ${WEIGHTS[10 + k]}`).join(" + ");
  return `'${prefix}' || ${digits} || substr('${USCC_ALPHABET}', ((31 - ((${prefixSum} + ${terms}) % 31)) % 31) + 1, 1)`;
}

async function exec(database: Database, statements: string): Promise<void> {
  // One statement per call: prepared statements (PGlite, postgres.js) take no multi-command strings.
  for (const statement of statements.split(/;\s*\n/)) await database.db.execute(sql.raw(statement));
}

/** Fills an empty, migrated database. Returns seconds per step (the generator's own cost). */
export async function seedRegistry(database: Database, scale: Scale, log: (line: string) => void = () => {}): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const step = async (name: string, statement: string) => {
    const started = performance.now();
    await exec(database, statement);
    timings[name] = (performance.now() - started) / 1000;
    log(`seed ${scale.name}: ${name} ${timings[name]!.toFixed(1)} s`);
  };
  const { serviceProviders: S, ports: P, enterprises: E, optOuts: O, doNotDisturb: D, consents: C } = scale;
  if (P % S !== 0) throw new Error("ports must be a multiple of service providers");
  const pii = createPiiProtector(BENCH_PII_KEY);
  const passwordHash = await Bun.password.hash(BENCH_PASSWORD);

  await step("settings", `insert into settings (key, value) values ('pii_key', '${BENCH_PII_KEY}'), ('policy.quiet_hours', 'off') on conflict (key) do update set value = excluded.value`);
  await step("service_providers", `insert into service_providers (id, name, licence_number)
    select ${idSql(KIND.sp, "i")}, '短信服务商' || i, 'B2-2019' || lpad(i::text, 4, '0') from generate_series(0, ${S - 1}) i`);
  await step("enterprises", `insert into enterprises (id, name, uscc, contact_name)
    select ${idSql(KIND.enterprise, "i")}, '企业' || i || '有限公司', ${usccSql("i")}, '王经理' from generate_series(0, ${E - 1}) i`);
  await step("contracts", `insert into contracts (id, sp_id, enterprise_id, valid_from, valid_to)
    select ${idSql(KIND.contract, "i")}, ${idSql(KIND.sp, `i % ${S}`)}, ${idSql(KIND.enterprise, "i")}, '2025-01-01', '2030-12-31' from generate_series(0, ${E - 1}) i`);
  await step("ports", `insert into ports (id, number, sp_id)
    select ${idSql(KIND.port, "i")}, '1069' || lpad(i::text, 6, '0'), ${idSql(KIND.sp, `i % ${S}`)} from generate_series(0, ${P - 1}) i`);
  await step("bind_accounts", `insert into bind_accounts (id, sp_id, system_id, password_hash, max_binds, max_submits_per_second, default_category)
    select ${idSql(KIND.account, "i")}, ${idSql(KIND.sp, "i")}, 'sp' || i, '${passwordHash}', 16, 1000000, 'notification' from generate_series(0, ${S - 1}) i`);
  await step("signatures", `insert into signatures (id, text, enterprise_id, sp_id, status, scope, evidence_kind, evidence_reference, approved_at)
    select ${idSql(KIND.signature, "i")}, '企业' || (i / 5) || '签' || (i % 5), ${idSql(KIND.enterprise, "i / 5")}, ${idSql(KIND.sp, `(i / 5) % ${S}`)},
      'approved', (array['${SCOPES.join("','")}'])[(i % 5) + 1]::text[], 'trademark', 'bench', now()
    from generate_series(0, ${E * 5 - 1}) i`);
  await step("signature_ports", `insert into signature_ports (signature_id, port_id, extension)
    select ${idSql(KIND.signature, "i")}, ${idSql(KIND.port, `(i / 5) % ${P}`)}, '' from generate_series(0, ${E * 5 - 1}) i`);
  // Ten million rows go in several times faster without per-row index and foreign-key upkeep:
  // drop them, insert, rebuild (same definitions as the migration) and validate in one pass each.
  await step("opt_outs: drop indexes", `drop index opt_outs_recipient_enterprise;
    drop index opt_outs_enterprise;
    alter table opt_outs drop constraint opt_outs_enterprise_id_enterprises_id_fk`);
  await step("opt_outs", `insert into opt_outs (id, recipient_hash, recipient_mask, enterprise_id, source)
    select ${idSql(KIND.optOut, "i")}, md5('o' || i), '138****' || lpad((i % 10000)::text, 4, '0'), ${idSql(KIND.enterprise, `i % ${E}`)}, 'api'
    from generate_series(0, ${O - 1}) i`);
  await step("opt_outs: rebuild indexes", `create unique index opt_outs_recipient_enterprise on opt_outs using btree (recipient_hash, enterprise_id);
    create index opt_outs_enterprise on opt_outs using btree (enterprise_id);
    alter table opt_outs add constraint opt_outs_enterprise_id_enterprises_id_fk foreign key (enterprise_id) references public.enterprises(id) on delete no action on update no action`);
  const real = OPTED_OUT_MSISDNS.map(
    (msisdn, i) => `(${`'${benchId(KIND.optOut, O + i)}'`}, '${pii.hash(msisdn)}', '${pii.mask(msisdn)}', '${benchId(KIND.enterprise, 1)}', 'mo')`,
  );
  await step("opt_outs (load recipients)", `insert into opt_outs (id, recipient_hash, recipient_mask, enterprise_id, source) values ${real.join(",")}`);
  await step("do_not_disturb", `insert into do_not_disturb (id, recipient_hash, recipient_mask)
    select ${idSql(KIND.dnd, "i")}, md5('d' || i), '138****' || lpad((i % 10000)::text, 4, '0') from generate_series(0, ${D - 1}) i`);
  // Consents: chain hashes are placeholders (the bench measures the snapshot, not /consents/verify).
  await step("consents: drop indexes", `drop index consents_recipient_enterprise;
    drop index consents_enterprise;
    drop index consents_expires;
    drop index consents_grant;
    drop index consents_sp`);
  // The current consents' projection (consent_keys) is kept by a row trigger; ten million rows in
  // one statement fill it in one pass instead (consent_keys_rebuild(), drizzle/0014_consent_keys_rebuild.sql).
  await step("consents: hold the projection's trigger", "alter table consents disable trigger consent_keys_sync");
  await step("consents", `insert into consents (id, kind, recipient_hash, recipient_mask, enterprise_id, categories, frequency, period_days, consented_at, expires_at,
      source, evidence_ref, recorded_at, recorded_by_type, prev_hash, hash)
    select ${idSql(KIND.consent, "i")}, 'grant', md5('c' || i), '139****' || lpad((i % 10000)::text, 4, '0'), ${idSql(KIND.enterprise, `i % ${E}`)},
      '{marketing}', '每周1条', 1095, now(), now() + interval '1095 days', 'web_form', 'bench-' || i, now(), 'system', repeat('0', 64), md5('h' || i)
    from generate_series(0, ${C - 1}) i`);
  await step("consents: fill the projection", `alter table consents enable trigger consent_keys_sync;
    select consent_keys_rebuild()`);
  await step("consents: rebuild indexes", `create index consents_recipient_enterprise on consents using btree (recipient_hash, enterprise_id);
    create index consents_enterprise on consents using btree (enterprise_id);
    create index consents_expires on consents using btree (expires_at);
    create index consents_grant on consents using btree (grant_id);
    create index consents_sp on consents using btree (sp_id)`);
  await step("analyze", "analyze");
  return timings;
}

/**
 * What a message may say, at the scale's size, on a seeded world (its own step, so a kept world
 * gains it without a reseed): 100 operator content rules in monitor sharing the phrases, approved
 * templates spread over the signatures (企业1签0, the mix's verification signature, template-only
 * with a template its texts fit) and approved link domains spread over the enterprises.
 */
export async function seedContent(database: Database, scale: Scale, log: (line: string) => void = () => {}): Promise<void> {
  const content = scale.content;
  if (!content) return;
  const { serviceProviders: S, enterprises: E } = scale;
  const perRule = Math.ceil(content.phrases / 100);
  const started = performance.now();
  await exec(database, `insert into content_rules (id, name, category, phrases, applies_to, mode)
    select ${idSql(KIND.contentRule, "r")}, '规则' || r, 'loan',
      array(select (array['贷款','博彩','加微信','刷单','兼职','套现','网赌','代开发票'])[(p % 8) + 1] || substr(md5(r || '-' || p), 1, 5) from generate_series(0, ${perRule - 1}) p),
      '{marketing,notification}', 'monitor'
    from generate_series(0, 99) r;
    insert into signature_templates (id, signature_id, sp_id, text, status, approved_at)
    select ${idSql(KIND.template, "i")}, ${idSql(KIND.signature, `i % ${E * 5}`)}, ${idSql(KIND.sp, `((i % ${E * 5}) / 5) % ${S}`)},
      '尊敬的客户，您的订单{number}已发货，运单号{number}，模板' || i, 'approved', now()
    from generate_series(0, ${content.templates - 1}) i;
    insert into signature_templates (id, signature_id, sp_id, text, status, approved_at)
    values (${idSql(KIND.template, String(content.templates))}, '${benchId(KIND.signature, 5)}', '${benchId(KIND.sp, 1 % S)}', '${MIX_VERIFICATION_TEMPLATE}', 'approved', now());
    update signatures set template_required = true where id = '${benchId(KIND.signature, 5)}';
    insert into link_domains (id, enterprise_id, domain, icp_number, status, approved_at)
    select ${idSql(KIND.linkDomain, "i")}, ${idSql(KIND.enterprise, `i % ${E}`)}, 'site' || i || '.com', '京ICP备' || lpad(i::text, 8, '0') || '号-1', 'approved', now()
    from generate_series(0, ${content.linkDomains - 1}) i;
    analyze content_rules;
    analyze signature_templates;
    analyze link_domains`);
  log(`seed ${scale.name}: content (${content.phrases} phrases, ${content.templates} templates, ${content.linkDomains} link domains) ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
