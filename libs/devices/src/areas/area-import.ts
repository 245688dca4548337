import { AREA_NAME_PATTERN, AREA_NAME_RULE, type DomainIssue } from '@hub/common';
import type { AreaImportReport } from '@hub/api-types';
import { parseCsv } from '../csv-parser';
import type { Parsed } from '../device-fields';
import { childPath } from './area';
import type { AreaActor, AreasService } from './areas.service';

/** Most lines one area import may carry: far more than a county's villages. */
export const MAX_AREA_IMPORT_ROWS = 5_000;
export const MAX_AREA_IMPORT_BYTES = 1024 * 1024;
const AREA_COLUMNS = ['town', 'village'];

export type { AreaImportReport };

interface AreaLine {
  readonly line: number;
  readonly town: string;
  readonly village: string | null;
}

/**
 * A CSV of areas, header first: `town` (required) and `village` (optional), any order, case-insensitive. One line
 * per town or per village (`Ashford,Millbrook`); a village's town need not have a line of its own. The file is
 * refused whole only when it cannot be read as an area list (header, columns, size); problems within lines are
 * reported per line.
 */
export function readAreaCsv(text: string): Parsed<Array<{ line: number; cells: Record<string, string>; error?: string }>> {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return { ok: false, problems: [{ field: 'file', problem: 'empty: expected a header row (town, village) and one row per area' }] };
  const problems: DomainIssue[] = [];
  if (header.error !== undefined) problems.push({ field: 'header', problem: header.error });
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  columns.forEach((column, position) => {
    if (!AREA_COLUMNS.includes(column)) problems.push({ field: column || `column ${position + 1}`, problem: `unknown column; allowed: ${AREA_COLUMNS.join(', ')}` });
    else if (columns.indexOf(column) !== position) problems.push({ field: column, problem: 'column appears more than once' });
  });
  if (!columns.includes('town')) problems.push({ field: 'town', problem: 'required column is missing from the header row' });
  if (rows.length === 0) problems.push({ field: 'file', problem: 'no area rows after the header' });
  if (rows.length > MAX_AREA_IMPORT_ROWS) problems.push({ field: 'file', problem: `${rows.length} rows; at most ${MAX_AREA_IMPORT_ROWS} per import: split the file` });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: rows.map((record) => {
      const cells: Record<string, string> = {};
      columns.forEach((column, position) => (cells[column] = (record.fields[position] ?? '').trim()));
      const error = record.error ?? (record.fields.length > columns.length ? `${record.fields.length} fields but the header has ${columns.length} columns` : undefined);
      return { line: record.line, cells, ...(error === undefined ? {} : { error }) };
    }),
  };
}

/**
 * Registers the areas of a CSV: every line is checked first (names, scope, already registered, repeated in the
 * file), then the good lines' new areas are created in one transaction — all of them or, on a failure, none. A
 * line's town that is not registered yet is created with it.
 */
export async function importAreas(areas: AreasService, actor: AreaActor, rows: ReadonlyArray<{ line: number; cells: Record<string, string>; error?: string }>): Promise<AreaImportReport> {
  const refused: Array<AreaImportReport['refused'][number]> = [];
  const lines: AreaLine[] = [];
  for (const row of rows) {
    const problems: DomainIssue[] = [];
    if (row.error !== undefined) problems.push({ field: 'row', problem: row.error });
    const town = row.cells.town ?? '';
    const village = (row.cells.village ?? '') === '' ? null : row.cells.village;
    if (!AREA_NAME_PATTERN.test(town)) problems.push({ field: 'town', problem: town === '' ? 'required' : `must be ${AREA_NAME_RULE}` });
    if (village !== null && !AREA_NAME_PATTERN.test(village)) problems.push({ field: 'village', problem: `must be ${AREA_NAME_RULE}` });
    if (problems.length > 0) refused.push({ line: row.line, problems });
    else lines.push({ line: row.line, town, village });
  }
  const seen = new Map<string, number[]>();
  for (const line of lines) {
    const path = childPath(line.village === null ? null : line.town, line.village ?? line.town);
    seen.set(path, [...(seen.get(path) ?? []), line.line]);
  }
  const drafts: Array<{ name: string; parent: string | null }> = [];
  const pending = new Set<string>();
  for (const line of lines) {
    const path = childPath(line.village === null ? null : line.town, line.village ?? line.town);
    // A town that a village line of this file creates already: nothing left to do for its own line.
    if (line.village === null && pending.has(line.town)) continue;
    const same = seen.get(path) ?? [];
    if (same.length > 1) {
      refused.push({ line: line.line, path, problems: [{ field: line.village === null ? 'town' : 'village', problem: `${path} appears on more than one line (${same.map((at) => `line ${at}`).join(', ')}); list each area once` }] });
      continue;
    }
    const steps: Array<{ name: string; parent: string | null }> = [];
    if (line.village !== null && areas.find(line.town) === undefined && !pending.has(line.town)) steps.push({ name: line.town, parent: null });
    steps.push(line.village === null ? { name: line.town, parent: null } : { name: line.village, parent: line.town });
    const local = new Set(pending);
    let problem: DomainIssue | null = null;
    for (const step of steps) {
      const refusal = areas.creationRefusal(actor, step.name, step.parent, local);
      if (refusal !== null) {
        problem = { field: step.parent === null ? 'town' : 'village', problem: refusal.problem };
        break;
      }
      local.add(childPath(step.parent, step.name));
    }
    if (problem !== null) {
      refused.push({ line: line.line, path, problems: [problem] });
      continue;
    }
    for (const step of steps) pending.add(childPath(step.parent, step.name));
    drafts.push(...steps);
  }
  const created = drafts.length === 0 ? [] : await areas.createAll(actor, drafts, { via: 'import' });
  await areas.recordImport(actor, { source: 'csv', rows: rows.length, created: created.length, refused: refused.length });
  refused.sort((a, b) => a.line - b.line);
  return { created: created.map((area) => area.path), refused };
}
