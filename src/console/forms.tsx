/** Form fields for the filter bars and the decision forms: every control has a visible label. */
import type { Child } from "hono/jsx";
import { options, type Directory } from "./directory.ts";
import type { PageFrame } from "./layout.tsx";

export function FilterForm(props: { frame: PageFrame; action: string; children?: Child }) {
  const { t } = props.frame;
  return (
    <form class="filters" method="get" action={props.action} role="search">
      {props.children}
      <button type="submit">{t("filter.apply")}</button>
      <a href={props.action}>{t("filter.reset")}</a>
    </form>
  );
}

export function SelectField(props: { frame: PageFrame; name: string; label: string; value: string | undefined; options: [string, string][]; any?: boolean }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.any === false ? null : <option value="">{props.frame.t("filter.any")}</option>}
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DateField(props: { name: string; label: string; value: string | undefined }) {
  return (
    <label>
      {props.label}
      <input type="date" name={props.name} value={props.value ?? ""} />
    </label>
  );
}

export function TextField(props: { name: string; label: string; value: string | undefined; size?: number }) {
  return (
    <label>
      {props.label}
      <input type="text" name={props.name} value={props.value ?? ""} size={props.size ?? 16} />
    </label>
  );
}

export function DateRangeFields(props: { frame: PageFrame; from: string | undefined; to: string | undefined }) {
  const { t } = props.frame;
  return (
    <>
      <DateField name="from" label={t("filter.from")} value={props.from} />
      <DateField name="to" label={t("filter.to")} value={props.to} />
    </>
  );
}

/** The SP, port, signature and enterprise selects of a filter form, with the directory's names. */
export function PartyFilterFields(props: {
  frame: PageFrame;
  directory: Directory;
  query: { spId?: string; portId?: string; signatureId?: string; enterpriseId?: string };
}) {
  const { frame, directory, query } = props;
  const { t } = frame;
  const ports = [...directory.ports].map(([id, port]): [string, string] => [id, port.number]);
  const signatures = [...directory.signatures].map(([id, signature]): [string, string] => [id, `【${signature.text}】`]);
  return (
    <>
      <SelectField frame={frame} name="spId" label={t("filter.sp")} value={query.spId} options={options(directory.sps)} />
      <SelectField frame={frame} name="portId" label={t("filter.port")} value={query.portId} options={options(ports)} />
      <SelectField frame={frame} name="signatureId" label={t("filter.signature")} value={query.signatureId} options={options(signatures)} />
      <SelectField frame={frame} name="enterpriseId" label={t("filter.enterprise")} value={query.enterpriseId} options={options(directory.enterprises)} />
    </>
  );
}
