import {
  ConfigReader,
  ConfigVariable,
  Env,
  readAccessConfig,
  readAlertConfig,
  readDeviceConfig,
  readHubConfig,
  readMapConfig,
  readOperatorConfig,
  readPerimeterConfig,
  readRuntimeConfig,
} from '@hub/config';

/**
 * docs/configuration.md, rendered from what the config readers (libs/config) read: each records a variable's name,
 * default, what is allowed and a description as it reads it, so there is no second list to keep. Only
 * scripts/start.sh's own variables (no TypeScript reads them) are described here, and only those it names.
 */

interface Section {
  readonly title: string;
  readonly intro: string;
  readonly readers: readonly ((read: ConfigReader) => unknown)[];
}

/** The sections after the first, each the variables one or two sub-readers of readHubConfig describe. */
const SECTIONS: readonly Section[] = [
  {
    title: 'MQTT perimeter: TLS and limits',
    intro: 'TLS on every listener, and the limits against floods and guessing ([operations.md](operations.md#mqtt-clients-tls-and-limits)).',
    readers: [readPerimeterConfig],
  },
  {
    title: 'Devices',
    intro: 'Who may connect ([operations.md](operations.md#devices-registry-credentials-and-topics)).',
    readers: [readDeviceConfig],
  },
  {
    title: 'Operators and API keys',
    intro: 'Console sessions, the first admin and the configured admin key ([operations.md](operations.md#access-operators-roles-api-keys-audit-log)).',
    readers: [readAccessConfig, readOperatorConfig],
  },
  { title: 'Alerts', intro: 'The alert engine ([alerts.md](alerts.md)).', readers: [readAlertConfig] },
  {
    title: 'Map',
    intro: 'The console’s map, which needs no internet unless a base map is configured ([operations.md](operations.md#the-map-and-area-boundaries)).',
    readers: [readMapConfig],
  },
  { title: 'Memory', intro: 'How the service sizes its JavaScript heap ([performance.md](performance.md#memory-with-10000-devices)).', readers: [readRuntimeConfig] },
];

/** What each variable that only scripts/start.sh reads is for; render fails for one the script names that is missing here. */
export const START_SCRIPT_VARIABLES: Readonly<Record<string, string>> = {
  HUB_LOCAL_INFLUX_PORT: 'HTTP port of the local InfluxDB `npm start` runs when `INFLUX_URL` is unset',
  HUB_LOCAL_INFLUX_RPC_PORT: 'RPC (backup and restore) port of that local InfluxDB',
  HUB_SIMULATOR: '`off`: start without the device simulator',
  HUB_SIMULATOR_DEVICES: 'simulated devices per domain',
  HUB_SIMULATOR_INTERVAL: 'how often each simulated device sends a reading',
  HUB_SIMULATOR_PROGRESS: 'how often the simulator prints its progress line (`off`: never)',
  HUB_SIMULATOR_TOWNS: 'comma-separated towns the simulated devices are spread over, in turn',
};

/**
 * Service variables to which scripts/start.sh gives a default of its own, and why; render fails for any other the
 * script contradicts, so the reference never states a default that `npm start` does not use.
 */
export const START_SCRIPT_OVERRIDES: Readonly<Record<string, string>> = {
  HUB_LOG_LEVEL: 'started by hand, the service shows only what needs a person once it is up (set `log` for the start-up detail)',
};

/**
 * Every variable the hub reads, in reading order: the readers run on an empty environment, then with INFLUX_API=v2
 * for the variables only that branch reads (inserted after the variable read before them).
 */
export function hubConfigVariables(): ConfigVariable[] {
  const [first, ...others] = [{}, { INFLUX_API: 'v2' }].map((env) => readVariables(env, readHubConfig));
  const merged = [...first];
  for (const variables of others) {
    let at = -1;
    for (const variable of variables) {
      const index = merged.findIndex((known) => known.name === variable.name);
      if (index >= 0) at = index;
      else merged.splice(++at, 0, variable);
    }
  }
  return merged;
}

/** `${NAME:-default}` in scripts/start.sh: every variable the script reads with its default. */
export function startScriptDefaults(script: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const [, name, fallback] of script.matchAll(/\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}/g)) {
    const known = defaults.get(name);
    if (known !== undefined && known !== fallback) throw new Error(`scripts/start.sh gives ${name} two defaults: ${known} and ${fallback}`);
    defaults.set(name, fallback);
  }
  return defaults;
}

/** The configuration reference as Markdown; `startScript` is the text of scripts/start.sh. */
export function renderConfigDoc(startScript: string): string {
  const variables = hubConfigVariables();
  const undescribed = variables.filter((variable) => variable.description === '').map((variable) => variable.name);
  if (undescribed.length > 0) throw new Error(`libs/config reads ${undescribed.join(', ')} without a description`);
  const sectioned = SECTIONS.map((section) => {
    const names = new Set(section.readers.flatMap((reader) => readVariables({}, reader).filter((variable) => variable.description !== '').map((variable) => variable.name)));
    return { ...section, variables: variables.filter((variable) => names.has(variable.name)) };
  });
  const inSections = new Set(sectioned.flatMap((section) => section.variables.map((variable) => variable.name)));
  const core = { title: 'Service, InfluxDB and ingest', intro: 'Listeners, where data lives, InfluxDB, the writer and the outage spool, the limits on what devices send, dead letters and logging.', variables: variables.filter((variable) => !inSections.has(variable.name)) };
  const parts = [header(), ...[core, ...sectioned].map((section) => sectionTable(section.title, section.intro, section.variables)), startScriptSection(startScript, variables)];
  return `${parts.join('\n\n')}\n`;
}

function readVariables(env: Env, reader: (read: ConfigReader) => unknown): readonly ConfigVariable[] {
  const read = new ConfigReader(env);
  reader(read);
  return read.variables;
}

function header(): string {
  return [
    '# Configuration',
    '',
    '<!-- Generated from libs/config by `npm run docs`; edit the code, not this file. -->',
    '',
    'The service reads everything from environment variables, once, at start. A bad value stops it (exit code 78) with a',
    'message naming each bad variable, its value and what is allowed, in the words of the **allowed** column.',
    'Durations take `ms`, `s`, `m`, `h`, `d` (`500ms`, `30s`, `7d`); sizes take bytes or `KiB`, `MiB`, `GiB`. An empty',
    'value counts as unset.',
  ].join('\n');
}

function sectionTable(title: string, intro: string, variables: readonly ConfigVariable[]): string {
  return [
    `## ${title}`,
    '',
    intro,
    '',
    '| variable | default | allowed | meaning |',
    '|---|---|---|---|',
    ...variables.map((variable) => `| \`${variable.name}\` | ${formatDefault(variable.default)} | ${cell(variable.allowed)} | ${cell(variable.description)} |`),
  ].join('\n');
}

function startScriptSection(script: string, hubVariables: readonly ConfigVariable[]): string {
  const defaults = [...startScriptDefaults(script)];
  const own = defaults.filter(([name]) => !hubVariables.some((variable) => variable.name === name));
  const overridden = defaults.flatMap(([name, fallback]) => {
    const hub = hubVariables.find((variable) => variable.name === name);
    return hub !== undefined && fallback !== '' && fallback !== hub.default ? [{ name, fallback, service: hub.default }] : [];
  });
  const unexplained = overridden.filter(({ name }) => START_SCRIPT_OVERRIDES[name] === undefined).map(({ name, fallback }) => `${name}=${fallback}`);
  if (unexplained.length > 0) throw new Error(`scripts/start.sh contradicts the service's default: ${unexplained.join(', ')}; say why in START_SCRIPT_OVERRIDES (apps/docs/src/render-config-doc.ts)`);
  const undescribed = own.filter(([name]) => START_SCRIPT_VARIABLES[name] === undefined).map(([name]) => name);
  if (undescribed.length > 0) throw new Error(`scripts/start.sh reads ${undescribed.join(', ')}: describe it in apps/docs/src/render-config-doc.ts`);
  return [
    '## Only for `npm start`',
    '',
    'scripts/start.sh reads these itself (the service never does) or gives them a default of its own; names and defaults',
    'come from the script, their meaning from apps/docs. It also honours every variable above, runs a local InfluxDB when `INFLUX_URL` is unset, and',
    'generates `HUB_BOOTSTRAP_API_KEY` into `${HUB_DATA_DIR}/bootstrap-api-key` when it is unset. Elsewhere, the simulator',
    'CLI takes its admin key from `HUB_API_KEY` ([operations.md](operations.md#simulator)), and `npm run console:dev`',
    'proxies the API to `HUB_URL` (default `http://127.0.0.1:3000`).',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...own.map(([name, fallback]) => `| \`${name}\` | ${formatDefault(fallback)} | ${cell(START_SCRIPT_VARIABLES[name])} |`),
    ...overridden.map(({ name, fallback, service }) => `| \`${name}\` | ${formatDefault(fallback)} (service: ${formatDefault(service)}) | ${cell(START_SCRIPT_OVERRIDES[name])} |`),
  ].join('\n');
}

/** A value in code type; a phrase such as `(none)` in italics. */
function formatDefault(value: string): string {
  if (value === '') return '*(empty)*';
  return value.startsWith('(') ? `*${cell(value)}*` : `\`${cell(value)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
