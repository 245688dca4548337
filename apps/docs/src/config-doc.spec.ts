import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Env, InvalidConfigError, loadHubConfig } from '@hub/config';
import { docPath, repoRoot } from './generate-docs';
import { hubConfigVariables, renderConfigDoc, START_SCRIPT_OVERRIDES, START_SCRIPT_VARIABLES, startScriptDefaults } from './render-config-doc';

describe('docs/configuration.md', () => {
  const startScript = readFileSync(join(repoRoot(), 'scripts', 'start.sh'), 'utf8');
  const rendered = renderConfigDoc(startScript);
  const variables = hubConfigVariables();
  const [serviceSections, startSection] = rendered.split('\n## Only for `npm start`\n');
  /** A variable's table row in the service's sections, or in the `npm start` section. */
  const rowIn = (text: string, name: string): string => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`| \`${name}\` |`));
    if (line === undefined) throw new Error(`docs/configuration.md has no row for ${name}`);
    return line;
  };
  const row = (name: string): string => rowIn(serviceSections, name);
  const startRow = (name: string): string => rowIn(startSection, name);

  it('is exactly what the code renders', () => {
    const path = docPath('configuration.md');
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (committed !== rendered) {
      throw new Error(`${path} is ${committed === undefined ? 'missing' : 'out of date with libs/config or scripts/start.sh'}: run \`npm run build && npm run docs\` and commit it.`);
    }
  });

  it('lists every variable the hub reads, each once, with its default, what is allowed and a description', () => {
    expect(variables.length).toBeGreaterThan(60);
    for (const variable of variables) {
      expect(variable.description).not.toBe('');
      const cells = row(variable.name).split(' | ');
      expect(cells[1]).toBe(variable.default.startsWith('(') ? `*${variable.default}*` : `\`${variable.default}\``);
      expect(cells[2]).toBe(variable.allowed);
      expect(serviceSections.split(`| \`${variable.name}\` |`)).toHaveLength(2);
    }
  });

  it('shows the defaults the service really starts with', () => {
    const defaults = loadHubConfig({});
    expect(row('HUB_HTTP_PORT')).toContain(`| \`${defaults.http.port}\` | a whole number from 0 to 65535 |`);
    expect(row('HUB_MAX_PAYLOAD_BYTES')).toContain(`| \`${defaults.validation.maxPayloadBytes / 1024}KiB\` |`);
    expect(row('HUB_WRITE_BATCH_SIZE')).toContain(`| \`${defaults.writer.batchSize}\` |`);
    expect(row('INFLUX_URL')).toContain(`| \`${defaults.influx.url}\` |`);
    expect(row('HUB_HEAP_BUDGET')).toContain(`| \`${(defaults.runtime.heapBudgetBytes ?? 0) / 1024 ** 2}MiB\` |`);
    expect(row('HUB_DEVICE_ADMISSION')).toContain(`| \`${defaults.devices.admission}\` | one of registered, quarantine |`);
    // Read only on the v2 branch, and only without a certificate as a mistake: listed all the same.
    expect(row('INFLUX_TOKEN')).toContain('| *(none)* | required when INFLUX_API=v2 |');
    expect(row('HUB_MQTTS_PORT')).toContain('| `8883` |');
  });

  it('says what is allowed in the words a bad value’s error uses', () => {
    const checked: string[] = [];
    for (const variable of variables) {
      const context: Env = variable.name.startsWith('INFLUX_') ? { INFLUX_API: 'v2', INFLUX_TOKEN: 't', INFLUX_ORG: 'o', INFLUX_BUCKET: 'b' } : {};
      // A variable that must be given is tried unset; every other with a value no rule takes (short, not a URL).
      const env: Env = { ...context, [variable.name]: variable.allowed.startsWith('required') ? undefined : 'x://' };
      for (const error of configErrors(env).filter((candidate) => candidate.variable === variable.name)) {
        expect(row(variable.name)).toContain(`| ${error.allowed}`.replace(/^\| (needs .*)$/, '$1'));
        checked.push(variable.name);
      }
    }
    // Free text is never refused; the certificate and key are refused for what their files hold, which no row can say.
    const unchecked = variables.map((variable) => variable.name).filter((name) => !checked.includes(name));
    expect(unchecked).toEqual(variables.filter((variable) => variable.allowed === 'any text' || /^HUB_TLS_(CERT|KEY)_FILE$/.test(variable.name)).map((variable) => variable.name));
  });

  it('lists the variables only scripts/start.sh reads, with the script’s defaults, and no hub variable whose default the script contradicts', () => {
    const defaults = startScriptDefaults(startScript);
    for (const [name, fallback] of defaults) {
      const hub = variables.find((variable) => variable.name === name);
      if (hub === undefined) {
        expect(startRow(name)).toBe(`| \`${name}\` | \`${fallback}\` | ${START_SCRIPT_VARIABLES[name]} |`);
      } else if (fallback !== '' && fallback !== hub.default) {
        expect(startRow(name)).toBe(`| \`${name}\` | \`${fallback}\` (service: \`${hub.default}\`) | ${START_SCRIPT_OVERRIDES[name]} |`);
      }
    }
    expect(Object.keys(START_SCRIPT_VARIABLES).sort()).toEqual([...defaults.keys()].filter((name) => !variables.some((variable) => variable.name === name)).sort());
  });

  it('refuses a script default that contradicts the service without a reason', () => {
    expect(() => renderConfigDoc('echo ${HUB_HTTP_PORT:-8080}')).toThrow(
      "scripts/start.sh contradicts the service's default: HUB_HTTP_PORT=8080; say why in START_SCRIPT_OVERRIDES (apps/docs/src/render-config-doc.ts)",
    );
  });

  it('refuses to render a script variable nobody described', () => {
    expect(() => renderConfigDoc('echo ${HUB_SIMULATOR_SPEED:-fast}')).toThrow('scripts/start.sh reads HUB_SIMULATOR_SPEED: describe it in apps/docs/src/render-config-doc.ts');
  });
});

function configErrors(env: Env): readonly ConfigError[] {
  try {
    loadHubConfig(env);
    return [];
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.errors;
    throw error;
  }
}
