import type { StandardsProfile } from '@hub/contract';
import { CN_DEFAULT_ALERT_RULES } from './default-alert-rules.cn';
import { DEFAULT_ALERT_RULES } from './default-alert-rules';

/** The default rule pack of each standards profile, as API documents (validated like any rule on the way in). */
export const DEFAULT_RULE_PACKS: Readonly<Record<StandardsProfile, readonly Record<string, unknown>[]>> = {
  cn: CN_DEFAULT_ALERT_RULES,
  eu: DEFAULT_ALERT_RULES,
};
