import { BUILT_IN_CATALOGUE, type BuiltInDomain, type DomainCatalogue, type MetricSpec } from './metric-catalogue';

/**
 * The national standards a county's default alert rules and the catalogue's typical bands follow: `cn` (GB
 * standards, 220 V) or `eu` (EN/IEC/WHO, 230 V). Chosen at the first start (HUB_STANDARDS_PROFILE) and stored; an
 * admin changes it later through /api/standards-profile.
 */
export const STANDARDS_PROFILES = ['cn', 'eu'] as const;
export type StandardsProfile = (typeof STANDARDS_PROFILES)[number];

export function isStandardsProfile(value: unknown): value is StandardsProfile {
  return typeof value === 'string' && (STANDARDS_PROFILES as readonly string[]).includes(value);
}

/** What each profile stands for, for the API and the docs. */
export const STANDARDS_PROFILE_DESCRIPTIONS: Readonly<Record<StandardsProfile, string>> = {
  cn: 'China: GB national standards, 220 V / 50 Hz low-voltage supply',
  eu: 'Europe: EN/IEC standards and WHO guidance, 230 V / 50 Hz low-voltage supply',
};

type MetricOverride = Partial<Pick<MetricSpec, 'description' | 'range' | 'typical'>>;

/**
 * Where a profile's built-in metrics differ from the shipped (eu) catalogue. Only what a standard changes: the
 * plausible range of a quantity is physics and stays; the healthy band follows the nominal value.
 */
const PROFILE_OVERRIDES: Readonly<Record<StandardsProfile, Partial<Record<BuiltInDomain, Readonly<Record<string, MetricOverride>>>>>> = {
  eu: {},
  cn: {
    power: {
      // GB/T 156-2017: 220 V single-phase nominal. The healthy band is ±3 % around it, well inside GB/T 12325-2008's
      // +7 %/−10 % supply limits (198–235.4 V), as the eu band (225–240 V) sits inside 230 V ± 10 %.
      voltage_v: { description: 'Low-voltage phase-to-neutral voltage (220 V nominal, GB/T 156-2017)', typical: [213, 227] },
    },
    heat: {
      // Secondary (building) networks with radiators are designed for 75/50 °C (GB 50736-2012 §5.3.1, clause number
      // not verified against the text); weather compensation runs them lower in mild weather.
      supply_temp_c: { description: 'District-heat supply (flow) temperature, secondary network', typical: [50, 75] },
      return_temp_c: { description: 'District-heat return temperature, secondary network', typical: [35, 50] },
    },
  },
};

/** The built-in catalogue as a profile has it (eu: BUILT_IN_CATALOGUE itself). */
export function builtInCatalogueFor(profile: StandardsProfile): Readonly<Record<BuiltInDomain, DomainCatalogue>> {
  const overrides = PROFILE_OVERRIDES[profile];
  const result = { ...BUILT_IN_CATALOGUE };
  for (const [domain, metrics] of Object.entries(overrides) as [BuiltInDomain, Readonly<Record<string, MetricOverride>>][]) {
    const merged: Record<string, MetricSpec> = { ...BUILT_IN_CATALOGUE[domain] };
    for (const [metric, override] of Object.entries(metrics)) merged[metric] = { ...BUILT_IN_CATALOGUE[domain][metric], ...override };
    result[domain] = merged;
  }
  return result;
}
