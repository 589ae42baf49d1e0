import type { FindingDetector } from "../types.ts";
import { approvedWithoutEvidence } from "./approved-without-evidence.ts";
import { bombingSuspected } from "./bombing-suspected.ts";
import { honeypotHitsInPeriod } from "./honeypot-hits.ts";
import { bindAddressOutsideAllowlist } from "./bind-address-outside-allowlist.ts";
import { complaintRateLeaders } from "./complaint-rate-leaders.ts";
import { consentRequestRepeated } from "./consent-request-repeated.ts";
import { dormantSignatures } from "./dormant-signatures.ts";
import { evidenceExpiry } from "./evidence-expiry.ts";
import { lookAlikeSignatures } from "./look-alike-signatures.ts";
import { marketingWithoutConsent } from "./marketing-without-consent.ts";
import { optOutHintMissing } from "./opt-out-hint-missing.ts";
import { optedOutRecipients } from "./opted-out-recipients.ts";
import { portManyEnterprises } from "./port-many-enterprises.ts";
import { scopeExceeded } from "./scope-exceeded.ts";
import { silentExtensions } from "./silent-extensions.ts";
import { spRefusalRatio } from "./sp-refusal-ratio.ts";
import { subletRefusals } from "./sublet-refusals.ts";
import { unapprovedLinks } from "./unapproved-links.ts";
import { shortenerUse } from "./shortener-use.ts";
import { contentRuleHits } from "./content-rule-hits.ts";
import { templateDrift } from "./template-drift.ts";
import { portPurposeViolations } from "./port-purpose-violations.ts";

/** Every detector a campaign runs, in report order. A new finding type is one file and one line here. */
export const findingDetectors: readonly FindingDetector[] = [
  subletRefusals,
  scopeExceeded,
  dormantSignatures,
  evidenceExpiry,
  approvedWithoutEvidence,
  portManyEnterprises,
  silentExtensions,
  optOutHintMissing,
  optedOutRecipients,
  marketingWithoutConsent,
  consentRequestRepeated,
  complaintRateLeaders,
  spRefusalRatio,
  bindAddressOutsideAllowlist,
  lookAlikeSignatures,
  bombingSuspected,
  honeypotHitsInPeriod,
  unapprovedLinks,
  shortenerUse,
  contentRuleHits,
  templateDrift,
  portPurposeViolations,
];

