/**
 * The shipped default rules' names in Chinese (issue 17 point 3), keyed by their English name in either standards
 * pack (eu and cn). A rule still carrying its pack's English name is shown and sent under this name to whoever reads
 * Chinese; a name an admin changed is theirs and is shown as typed.
 */
const DEFAULT_RULE_NAMES_ZH: Readonly<Record<string, string>> = {
  'Free chlorine above 2 mg/L': '游离氯高于 2 mg/L',
  'Free chlorine below 0.05 mg/L': '游离氯低于 0.05 mg/L',
  'Free chlorine below 0.2 mg/L': '游离氯低于 0.2 mg/L',
  'Gas detector silent': '燃气探测器无数据',
  'Grid frequency outside 50 Hz ± 0.2 Hz': '电网频率超出 50 Hz ± 0.2 Hz',
  'Heat network pressure below 0.5 MPa': '热网压力低于 0.5 MPa',
  'Heat substation silent': '换热站无数据',
  'Heat supply below 45 °C in the heating period': '供暖期供水温度低于 45 °C',
  'Heat supply below 70 °C in the heating season': '供暖季供水温度低于 70 °C',
  'Heat supply temperature stuck': '供水温度读数停滞',
  'Junction congested (occupancy above 85 %)': '路口拥堵（占有率高于 85 %）',
  'Methane at or above 10 %LEL': '甲烷浓度达到或超过 10 %LEL',
  'Methane at or above 20 %LEL': '甲烷浓度达到或超过 20 %LEL',
  'Methane at or above 25 %LEL': '甲烷浓度达到或超过 25 %LEL',
  'Power monitor silent': '电力监测终端无数据',
  'Supply voltage above 220 V + 7 %': '供电电压高于 220 V + 7 %',
  'Supply voltage below 220 V − 10 %': '供电电压低于 220 V − 10 %',
  'Supply voltage outside 230 V ± 10 %': '供电电压超出 230 V ± 10 %',
  'Traffic detector silent': '交通检测器无数据',
  'Transformer top-oil at or above 105 °C': '变压器顶层油温达到或超过 105 °C',
  'Transformer top-oil at or above 90 °C': '变压器顶层油温达到或超过 90 °C',
  'Turbidity at or above 1 NTU': '浊度达到或超过 1 NTU',
  'Voltage reading stuck': '电压读数停滞',
  'Water pressure below 140 kPa': '水压低于 140 kPa',
  'Water pressure below 200 kPa': '水压低于 200 kPa',
  'Water pressure dropped 50 kPa within 5 min': '水压 5 分钟内下降 50 kPa',
  'Water pressure reading stuck': '水压读数停滞',
  'Water pressure sensor silent': '水压传感器无数据',
  'pH outside 6.5–8.5': 'pH 超出 6.5–8.5',
};

/** Not a rule: the name of the sample alert a contact point's "send test message" sends. */
const SAMPLE_ALERT_NAMES_ZH: Readonly<Record<string, string>> = { 'Test message': '测试消息' };

/** A rule's name for a reader of `language` (`zh`, `zh-CN`, `en`…): a shipped default's translation, else as stored. */
export function ruleNameIn(language: string, name: string): string {
  return language.startsWith('zh') ? (DEFAULT_RULE_NAMES_ZH[name] ?? SAMPLE_ALERT_NAMES_ZH[name] ?? name) : name;
}

/** The English names the table covers, for the test that keeps it in step with the packs. */
export const TRANSLATED_DEFAULT_RULE_NAMES: readonly string[] = Object.keys(DEFAULT_RULE_NAMES_ZH);
