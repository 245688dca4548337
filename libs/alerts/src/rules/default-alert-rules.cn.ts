import { DEFAULT_ALERT_RULES } from './default-alert-rules';

/**
 * The `cn` default rule pack: China's national (GB) standards. The rules that cite a standard are written here; the
 * health checks and the rules no standard changes (`euRule`) are the eu pack's own, unchanged. The `standard` of a rule is quoted in the summary of each of
 * its alerts. Clause numbers marked "not verified" come from secondary sources (standards bodies' summaries, utility
 * publications), not from the standard's text; docs/alerts.md lists them.
 *
 * Rules without a `standard` are the hub's own health checks (silent or stuck sensors): no standard covers them.
 * Ids match the eu pack wherever a rule watches the same thing, so a profile change shows field changes, not a
 * removal and an addition.
 */
/** A rule the cn pack takes from the eu pack as it is. */
function euRule(id: string): Record<string, unknown> {
  const rule = DEFAULT_ALERT_RULES.find((candidate) => candidate.id === id);
  if (rule === undefined) throw new Error(`the eu pack has no rule ${id}`);
  return rule;
}

export const CN_DEFAULT_ALERT_RULES: readonly Record<string, unknown>[] = [
  // Gas. GB/T 50493-2019 §5.5.2 (clause number not verified): first-level alarm set point ≤ 25 %LEL, second ≤ 50 %LEL;
  // GB 15322.1-2019 has point detectors' alarm set points within 1–25 %LEL. The hub raises the first level below the
  // ceiling (20 %LEL) and the critical one at the ceiling itself: the second level (≤ 50 %LEL) is the site's interlocks'.
  {
    id: 'gas-methane-alarm',
    name: 'Methane at or above 25 %LEL',
    description: 'The highest first-level alarm set point GB/T 50493-2019 allows: isolate and ventilate. Fires on the first reading; clears below 10 %LEL held for 1 min.',
    severity: 'critical',
    selector: { domain: 'gas', metric: 'methane_pct_lel' },
    evaluateEvery: '30s',
    condition: { type: 'threshold', operator: 'above', value: 25, clear: 10, for: '0s', clearFor: '1m' },
    standard: 'GB/T 50493-2019 §5.5.2: first-level combustible-gas alarm set point at most 25 %LEL',
  },
  {
    id: 'gas-methane-warning',
    name: 'Methane at or above 20 %LEL',
    description: 'First-level gas alarm: a leak is likely. Held for 1 min so a single puff does not page anyone; clears below 10 %LEL.',
    severity: 'warning',
    selector: { domain: 'gas', metric: 'methane_pct_lel' },
    evaluateEvery: '30s',
    condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '1m', clearFor: '2m' },
    standard: 'GB 15322.1-2019: alarm set point within 1–25 %LEL; GB/T 50493-2019 §5.5.2: first level at most 25 %LEL',
  },
  euRule('gas-detector-silent'),

  // Power. The catalogue's voltage_v is the low-voltage phase-to-neutral voltage: 220 V single-phase (GB/T 156-2017),
  // whose supply deviation GB/T 12325-2008 §4.3 limits to +7 % / −10 % (198–235.4 V); §4.2's ±7 % is for three-phase
  // supply at 20 kV and below (line voltages). The limits are well attested; the clause number follows the order of the
  // 1990 edition's text (3.1–3.3) and is not read from the 2008 text. The standard judges statistics over time; 5 minutes of every reading
  // beyond the limit approximates that without averaging a sustained dip away, as the eu pack does.
  {
    id: 'power-voltage-low',
    name: 'Supply voltage below 220 V − 10 %',
    description: 'At or below 198 V for 5 min; clears above 200 V.',
    severity: 'warning',
    selector: { domain: 'power', metric: 'voltage_v' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'below', value: 198, clear: 200, for: '5m', clearFor: '2m' },
    standard: 'GB/T 12325-2008 §4.3: 220 V single-phase supply within +7 % and −10 % of nominal (198–235.4 V)',
  },
  {
    id: 'power-voltage-high',
    name: 'Supply voltage above 220 V + 7 %',
    description: 'At or above 235.4 V for 5 min; clears below 233 V.',
    severity: 'warning',
    selector: { domain: 'power', metric: 'voltage_v' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 235.4, clear: 233, for: '5m', clearFor: '2m' },
    standard: 'GB/T 12325-2008 §4.3: 220 V single-phase supply within +7 % and −10 % of nominal (198–235.4 V)',
  },
  // Frequency is one value for the whole grid: when it leaves the band every meter sees it at once. Shipped disabled
  // (as the eu pack leaves it out), for a county that wants it anyway.
  {
    id: 'power-frequency-deviation',
    name: 'Grid frequency outside 50 Hz ± 0.2 Hz',
    description: 'Outside 49.8–50.2 Hz for 1 min; clears inside 49.85–50.15 Hz. Disabled as shipped: every meter would alarm at once.',
    enabled: false,
    severity: 'warning',
    selector: { domain: 'power', metric: 'frequency_hz' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'outside', low: 49.8, high: 50.2, clearLow: 49.85, clearHigh: 50.15, for: '1m', clearFor: '1m' },
    standard: 'GB/T 15945-2008 §3.1: ±0.2 Hz under normal operation (±0.5 Hz where the system is small)',
  },
  // GB/T 1094.7-2008 adopts IEC 60076-7:2005: top-oil 105 °C under normal cyclic loading (its table number not
  // verified). 90 °C is an early warning with room to shed load, as in the eu pack.
  {
    id: 'power-transformer-hot',
    name: 'Transformer top-oil at or above 90 °C',
    description: 'Approaching the 105 °C top-oil limit: shed or transfer load.',
    severity: 'warning',
    selector: { domain: 'power', metric: 'transformer_temp_c' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 90, clear: 85, for: '5m', clearFor: '5m' },
    standard: 'GB/T 1094.7-2008 (IEC 60076-7): top-oil limit 105 °C under normal cyclic loading; 90 °C is an early warning',
  },
  {
    id: 'power-transformer-overheating',
    name: 'Transformer top-oil at or above 105 °C',
    description: 'Top-oil limit for normal cyclic loading exceeded: insulation ageing accelerates sharply.',
    severity: 'critical',
    selector: { domain: 'power', metric: 'transformer_temp_c' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 105, clear: 100, for: '1m', clearFor: '5m' },
    standard: 'GB/T 1094.7-2008 (IEC 60076-7): top-oil limit 105 °C under normal cyclic loading',
  },
  euRule('power-meter-silent'),
  euRule('power-voltage-stuck'),

  // Water at the tap: GB 5749-2022 (in force since 1 April 2023). Table numbers from published summaries.
  {
    id: 'water-chlorine-low',
    name: 'Free chlorine below 0.05 mg/L',
    description: 'Disinfectant residual at the network’s end below the GB 5749-2022 minimum for 10 min; clears above 0.1 mg/L.',
    severity: 'warning',
    selector: { domain: 'water', metric: 'chlorine_mgl' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'below', value: 0.05, clear: 0.1, for: '10m', clearFor: '5m' },
    standard: 'GB 5749-2022 Table 2: free chlorine residual in water at the end of the network at least 0.05 mg/L',
  },
  {
    id: 'water-chlorine-high',
    name: 'Free chlorine above 2 mg/L',
    description: 'Free chlorine above the GB 5749-2022 limit for 10 min: taste complaints, possible overdosing.',
    severity: 'warning',
    selector: { domain: 'water', metric: 'chlorine_mgl' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 2, clear: 1.8, for: '10m', clearFor: '5m' },
    standard: 'GB 5749-2022 Table 2: free chlorine at most 2 mg/L (not verified against the text)',
  },
  {
    id: 'water-turbidity-high',
    name: 'Turbidity at or above 1 NTU',
    description: 'Turbidity at the GB 5749-2022 limit for 10 min: disinfection impaired, possible ingress or disturbed sediment.',
    severity: 'warning',
    selector: { domain: 'water', metric: 'turbidity_ntu' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 1, clear: 0.8, for: '10m', clearFor: '5m' },
    standard: 'GB 5749-2022 Table 1: turbidity at most 1 NTU',
  },
  {
    id: 'water-ph-out-of-range',
    name: 'pH outside 6.5–8.5',
    description: 'pH outside the GB 5749-2022 band for 10 min; clears inside 6.6–8.4.',
    severity: 'warning',
    selector: { domain: 'water', metric: 'ph' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'outside', low: 6.5, high: 8.5, clearLow: 6.6, clearHigh: 8.4, for: '10m', clearFor: '5m' },
    standard: 'GB 5749-2022 Table 1: pH not below 6.5 and not above 8.5',
  },
  // 0.14 MPa at the network's extremities is the usual Chinese service-pressure norm (CJJ 207-2013; clause not
  // verified); many cities set their own: edit it.
  {
    id: 'water-pressure-low',
    name: 'Water pressure below 140 kPa',
    description: 'Below the service minimum for 2 min: customers may lose supply on upper floors; clears at 160 kPa.',
    severity: 'warning',
    selector: { domain: 'water', metric: 'pressure_kpa' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'below', value: 140, clear: 160, for: '2m', clearFor: '2m' },
    standard: 'CJJ 207-2013: service pressure at the end of the network at least 0.14 MPa (clause not verified; a municipal norm may differ)',
  },
  euRule('water-pressure-drop'),
  euRule('water-sensor-silent'),
  euRule('water-pressure-stuck'),

  // District heat. No national standard sets a supply temperature: the heating period and the operating curve are
  // each city's (Beijing heats 15 November–15 March; Harbin from 20 October). What is national is the design of
  // radiator systems, 75/50 °C (GB 50736-2012 §5.3.1, not verified), and the 18 °C indoor minimum of the heating
  // service (GB/T 33833-2017, not verified), which the hub cannot see. 45 °C for 30 min, November to March, is this
  // pack's local choice: a supply that cold cannot keep a 75/50 system's rooms at 18 °C in winter. Edit it.
  {
    id: 'heat-supply-cold',
    name: 'Heat supply below 45 °C in the heating period',
    description: 'Supply (flow) temperature below 45 °C for 30 min, November to March. A local norm: set it to your utility’s operating curve and your city’s heating period.',
    severity: 'warning',
    selector: { domain: 'heat', metric: 'supply_temp_c' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'below', value: 45, clear: 48, for: '30m', clearFor: '5m' },
    activeMonths: [1, 2, 3, 11, 12],
    standard: 'Local norm, no national clause: heating period and supply curve are set by each city; radiator design 75/50 °C (GB 50736-2012 §5.3.1)',
  },
  euRule('heat-pressure-low'),
  euRule('heat-sensor-silent'),
  euRule('heat-supply-stuck'),

  // Traffic. The national congestion grades (GB/T 33171-2016, GA/T 115-2020) are by travel speed over a road
  // section, not by loop occupancy; no national occupancy threshold was found, so the eu pack's 85 % stays, uncited.
  {
    id: 'traffic-congested',
    name: 'Junction congested (occupancy above 85 %)',
    description: 'Loop occupancy at or above 85 % for 5 min; clears below 70 %. No national occupancy threshold: set your own.',
    severity: 'warning',
    selector: { domain: 'traffic', metric: 'occupancy_pct' },
    evaluateEvery: '1m',
    condition: { type: 'threshold', operator: 'above', value: 85, clear: 70, for: '5m', clearFor: '2m' },
  },
  euRule('traffic-detector-silent'),
];
