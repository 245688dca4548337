import { STANDARDS_PROFILES, type StandardsProfile } from '@hub/contract';
import type { ConfigReader } from './env-parsers';

/** Where the profile came from: the variable, or what the hub derived it from when the variable is unset. */
export type StandardsProfileSource = 'HUB_STANDARDS_PROFILE' | 'time zone' | 'locale' | 'default';

export interface StandardsConfig {
  /** The profile wanted at the first start; afterwards the stored one rules (an admin changes it through the API). */
  readonly profile: StandardsProfile;
  readonly source: StandardsProfileSource;
}

/** IANA names of mainland China's time zones (Asia/Shanghai and its aliases). Hong Kong, Macau and Taipei are not GB. */
const CHINA_TIME_ZONES = ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Urumqi', 'Asia/Kashgar', 'PRC'];

/**
 * HUB_STANDARDS_PROFILE, or when unset: cn when the county's time zone (HUB_TIME_ZONE, else the server's) is a
 * mainland China zone or the server's locale is Chinese as written in mainland China (zh-CN, zh-Hans-CN), else eu.
 */
export function readStandardsConfig(read: ConfigReader, timeZone: string, locale: string = Intl.DateTimeFormat().resolvedOptions().locale): StandardsConfig {
  const derived = deriveStandardsProfile(timeZone, locale);
  const profile = read.oneOf('HUB_STANDARDS_PROFILE', STANDARDS_PROFILES, derived.profile, {
    description:
      'the standards the default alert rules and the catalogue’s typical bands follow, chosen at the first start and then stored: cn (GB, 220 V) or eu (EN/IEC, 230 V); later changes go through PUT /api/standards-profile',
    default: '(cn when HUB_TIME_ZONE is a mainland China zone such as Asia/Shanghai or the server locale is zh-CN, else eu)',
  });
  return read.has('HUB_STANDARDS_PROFILE') ? { profile, source: 'HUB_STANDARDS_PROFILE' } : derived;
}

export function deriveStandardsProfile(timeZone: string, locale: string): StandardsConfig {
  if (CHINA_TIME_ZONES.includes(timeZone)) return { profile: 'cn', source: 'time zone' };
  if (/^zh(-Hans)?-CN\b/i.test(locale.replace(/_/g, '-'))) return { profile: 'cn', source: 'locale' };
  return { profile: 'eu', source: 'default' };
}
