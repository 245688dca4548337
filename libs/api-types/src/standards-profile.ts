import type { StandardsProfile } from '@hub/contract';
import type { AlertRuleDocument } from './alerts';

export type { StandardsProfile } from '@hub/contract';

/** GET /api/standards-profile. */
export interface StandardsProfileView {
  profile: StandardsProfile;
  /** When and by whom it was chosen: `system` at the first start (or when an older hub was upgraded), else an admin. */
  chosenAt: string;
  chosenBy: string;
  available: { profile: StandardsProfile; description: string }[];
}

/** Why a rule of the pack is left as it is: an operator edited or deleted it, or it is not one the pack loaded. */
export type KeptBecause = 'edited' | 'deleted' | 'not-from-pack';

/**
 * What a profile change does to one rule of the default packs. `added`: the new pack's rule, absent today;
 * `changed`: the fields that change, from → to; `removed`: only in the old pack and untouched; `kept`: left alone
 * (see `kept`); `unchanged`: the same in both packs.
 */
export interface RulePackChange {
  ruleId: string;
  change: 'added' | 'changed' | 'removed' | 'kept' | 'unchanged';
  fields?: Record<string, { from: unknown; to: unknown }>;
  /** For `added`: the rule as it will be created. */
  rule?: Omit<AlertRuleDocument, 'revision' | 'createdAt' | 'updatedAt'>;
  kept?: { because: KeptBecause; by: string | null; note: string };
}

/** A built-in metric whose description, range or typical band the profiles give differently. */
export interface CatalogueDefaultChange {
  domain: string;
  metric: string;
  change: 'changed' | 'kept';
  fields: Record<string, { from: unknown; to: unknown }>;
  kept?: { because: 'edited'; by: string; note: string };
}

/** POST /api/standards-profile/preview and PUT /api/standards-profile. */
export interface StandardsProfileDiff {
  from: StandardsProfile;
  to: StandardsProfile;
  /** False for a preview (nothing changed); true once PUT applied it. */
  applied: boolean;
  rules: RulePackChange[];
  catalogue: CatalogueDefaultChange[];
}
