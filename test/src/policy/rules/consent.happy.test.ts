import { describe, expect, it } from "vitest";
import { decide } from "../../../../src/policy/decide.ts";
import { isConsentRequestText, isConsentWord } from "../../../../src/policy/consent.ts";
import { counters, marketing, shanghai, submission, world } from "../fixtures.ts";

const DAY = 86_400_000;
const REQUEST = "【云端商城】您好，云端商城想每月向您发送不超过4条优惠信息，有效期12个月。同意请回复“是”，回T退订";

describe("decide: consent (marketing needs a current consent; consent requests once per period)", () => {
  it("ships in monitor: marketing without consent passes and the would-be refusal is recorded", () => {
    const verdict = decide(marketing(), world().noConsents(), counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [{ reason: "consent_missing", recipient: 0 }] });
  });

  it("when enforced, refuses marketing without consent with 0x460 and accepts it once consent is on record", () => {
    const refused = decide(marketing(), world().noConsents().mode("consent", "enforce"), counters());
    expect(refused).toMatchObject({ outcome: "reject", reason: "consent_missing", commandStatus: 0x460 });
    const accepted = decide(marketing(), world().consent("hash-alice", "ent-yunduan").mode("consent", "enforce"), counters());
    expect(accepted).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it("a consent for another enterprise does not count", () => {
    const verdict = decide(marketing(), world().consent("hash-alice", "ent-xinghe").mode("consent", "enforce"), counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "consent_missing" });
  });

  it("judges each recipient on its own consent", () => {
    const registry = world().consent("hash-alice", "ent-yunduan").mode("consent", "enforce");
    const verdict = decide(marketing({ command: "submit_multi", recipients: [{ hash: "hash-alice" }, { hash: "hash-bob" }] }), registry, counters());
    expect(verdict.recipients).toEqual([{ outcome: "accept" }, expect.objectContaining({ outcome: "reject", reason: "consent_missing", commandStatus: 0x460 })]);
  });

  it("never touches verification and notification", () => {
    const verdict = decide(submission(), world().noConsents().mode("consent", "enforce"), counters());
    expect(verdict).toMatchObject({ outcome: "accept", monitored: [] });
  });

  it("marketing declared as a notification is judged as marketing (the text decides)", () => {
    const verdict = decide(marketing({ declaredCategory: "notification" }), world().noConsents().mode("consent", "enforce"), counters());
    expect(verdict).toMatchObject({ outcome: "reject", reason: "consent_missing" });
  });

  it("a consent request reaches a recipient without consent once, then is refused within the period", () => {
    const at = shanghai(10, 0);
    const first = decide(marketing({ text: REQUEST, at }), world().noConsents().mode("consent", "enforce"), counters());
    expect(first).toMatchObject({ outcome: "accept", monitored: [] });
    const again = world().noConsents().mode("consent", "enforce").consentRequested("hash-alice", "ent-yunduan", at - 10 * DAY);
    expect(decide(marketing({ text: REQUEST, at }), again, counters())).toMatchObject({ outcome: "reject", reason: "consent_request_repeated", commandStatus: 0x461 });
    const later = world().noConsents().mode("consent", "enforce").consentRequested("hash-alice", "ent-yunduan", at - 91 * DAY);
    expect(decide(marketing({ text: REQUEST, at }), later, counters())).toMatchObject({ outcome: "accept" });
  });

  it("the period is the operator's setting", () => {
    const at = shanghai(10, 0);
    const registry = world().noConsents().mode("consent", "enforce").consentRequested("hash-alice", "ent-yunduan", at - 10 * DAY);
    registry.settings = { ...registry.settings, consentRequestPeriodDays: 7 };
    expect(decide(marketing({ text: REQUEST, at }), registry, counters())).toMatchObject({ outcome: "accept" });
  });

  it("a declared request (service_type CRQ) counts without the usual wording, and a disguised one is recognised by its text", () => {
    const at = shanghai(10, 0);
    const registry = () => world().noConsents().mode("consent", "enforce").consentRequested("hash-alice", "ent-yunduan", at - DAY);
    expect(decide(marketing({ consentRequest: true, at }), registry(), counters())).toMatchObject({ reason: "consent_request_repeated" });
    const disguised = "【云端商城】会员专享福利，回 Ｙ 同意接收每周优惠，回T退订";
    expect(decide(marketing({ text: disguised, at, declaredCategory: "notification" }), registry(), counters())).toMatchObject({ reason: "consent_request_repeated" });
  });
});

describe("consent wording", () => {
  it("recognises requests in their usual forms, and not ordinary marketing", () => {
    for (const text of [REQUEST, "同意接收云端商城优惠信息请回复Y", "回复 是 确认订阅", "回ＹＥＳ同意"]) expect(isConsentRequestText(text), text).toBe(true);
    for (const text of ["会员日全场5折，回T退订", "您的验证码是123456", "是时候换新了，全场5折"]) expect(isConsentRequestText(text), text).toBe(false);
  });

  it("reads a whole message as the rule does: traditional characters, split words and the signature do not hide a request", () => {
    // The accept verdict reports the rule's reading; the proxy records the requests it let through from it.
    const registry = world().signature("回复Y同意", { enterpriseId: "ent-yunduan", scope: ["marketing"], bindings: [{ portId: "port-huaxin", extension: "01" }] });
    const read = (text: string) => decide(marketing({ text }), registry, counters());
    expect(read("【云端商城】會員優惠，同意請回覆「是」，回T退订")).toMatchObject({ outcome: "accept", consentRequest: true });
    expect(read("【云端商城】同 意 接 收 优惠请回复 Y，回T退订")).toMatchObject({ outcome: "accept", consentRequest: true });
    expect(read("【回复Y同意】会员日全场5折，回T退订")).toMatchObject({ outcome: "accept", consentRequest: false }); // the words sit in the signature only
  });

  it("reads 是 / Y / 同意 replies however they are typed, and nothing longer", () => {
    for (const text of ["是", "Y", "ｙ", " yes ", "同意", "同意！", "是的"]) expect(isConsentWord(text), text).toBe(true);
    for (const text of ["T", "不是", "同意个鬼", "Y Y", "是不可能的"]) expect(isConsentWord(text), text).toBe(false);
  });
});
