import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface SelfTimeEntry {
  readonly function: string;
  /** file:line, relative to the repository (node_modules included), or the V8 category. */
  readonly location: string;
  readonly selfMs: number;
  /** Share of the time the process was not idle. */
  readonly percentOfBusy: number;
}

export interface AreaEntry {
  readonly area: string;
  readonly selfMs: number;
  readonly percentOfBusy: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly profiledMs: number;
  readonly idlePercent: number;
  readonly top: readonly SelfTimeEntry[];
  /** Self time by package / lib / Node subsystem, to see where the time goes beyond the top functions. */
  readonly byArea: readonly AreaEntry[];
}

/** The functions (and areas) with the most self time in a .cpuprofile, by function and source line, idle left out. */
export function summariseCpuProfile(file: string, root: string, topN = 10): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { function: string; location: string; us: number }>();
  const areaUs = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the gap after it.
    const us = profile.timeDeltas[index + 1] ?? 0;
    const node = nodes.get(profile.samples[index]);
    if (node === undefined) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url;
    const location = file === '' ? '' : `${file}:${lineNumber + 1}`;
    const key = `${functionName}@${location}`;
    const entry = selfUs.get(key) ?? { function: functionName || '(anonymous)', location, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
    const area = areaOf(file, functionName);
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((entry) => ({ function: entry.function, location: entry.location, selfMs: Math.round(entry.us / 1000), percentOfBusy: Math.round((1000 * entry.us) / busyUs) / 10 }));
  const byArea = [...areaUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), percentOfBusy: Math.round((1000 * us) / busyUs) / 10 }));
  return { file, profiledMs: Math.round(totalUs / 1000), idlePercent: Math.round((1000 * idleUs) / totalUs) / 10, top, byArea };
}

/** node_modules/<package>, dist/libs/<lib>, node:internal/<subsystem>, or a V8 category such as the GC. */
function areaOf(file: string, functionName: string): string {
  if (file === '') return functionName.startsWith('(') ? functionName : '(native code: V8 builtins, bindings)';
  const parts = file.split('/');
  const modules = parts.lastIndexOf('node_modules');
  if (modules >= 0) return parts.slice(modules, modules + (parts[modules + 1]?.startsWith('@') ? 3 : 2)).join('/');
  if (file.startsWith('node:')) return parts.slice(0, 2).join('/');
  if (parts[0] === 'dist') return parts.slice(0, parts[1] === 'libs' || parts[1] === 'apps' ? 3 : 2).join('/');
  return parts.slice(0, 2).join('/');
}
