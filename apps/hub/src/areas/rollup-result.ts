import type { RollupAggregate, RollupPointView, RollupSeriesView } from '@hub/api-types';
import type { InfluxSeries, InfluxValue } from '@hub/influx';
import { formatAreaPath, type AreaPath } from './area-path';
import { childTagOf } from './rollup-query';

/** One child's row of one bucket, as rollupInfluxQl's outer query answers it. */
interface Cell {
  /** sum, min, max: the child's value; null when none of its devices reported. */
  readonly value: number | null;
  /** mean: the sum and number of the child's readings. */
  readonly sum: number;
  readonly readings: number;
  readonly devices: number;
}

const EMPTY: Cell = { value: null, sum: 0, readings: 0, devices: 0 };

/**
 * The total and the children of a roll-up from the series of rollupInfluxQl's statement, one per child tag value.
 * Readings whose child tag is empty (a device in no town, or in its town but no village) count in the total only.
 * `children` are the area's known children (from the area directory, empty points when they have none) and any other
 * child the readings name (readings stored under a name before a rename keep it), sorted by path.
 */
export function rollupFromSeries(series: readonly InfluxSeries[], agg: RollupAggregate, area: AreaPath, knownChildren: readonly string[]): { total: RollupSeriesView; children: RollupSeriesView[] } {
  const childTag = childTagOf(area);
  const cellsByChild = new Map<string, Map<number, Cell>>();
  const grid = new Set<number>();
  series.forEach((entry, index) => {
    const tagValue = childTag === null ? '' : (entry.tags?.[childTag] ?? '');
    // Unplaced readings (empty tag) are kept apart under a key no path can be.
    const key = tagValue === '' ? `\u0000${index}` : childPath(area, tagValue);
    const cells = new Map<number, Cell>();
    for (const row of entry.values) {
      const cell = cellOf(entry.columns, row);
      cells.set(cell.t, cell);
      grid.add(cell.t);
    }
    cellsByChild.set(key, cells);
  });
  const times = [...grid].sort((a, b) => a - b);

  const totalCells = times.map((t) => combine(agg, [...cellsByChild.values()].map((cells) => cells.get(t) ?? EMPTY)));
  const total = { area: formatAreaPath(area), points: times.map((t, index) => point(agg, t, totalCells[index])) };
  const childPaths = new Set([...knownChildren, ...[...cellsByChild.keys()].filter((key) => !key.startsWith('\u0000'))]);
  const children = [...childPaths].sort().map((path) => {
    const cells = cellsByChild.get(path);
    return { area: path, points: times.map((t) => point(agg, t, cells?.get(t) ?? EMPTY)) };
  });
  return { total, children };
}

function childPath(area: AreaPath, tagValue: string): string {
  switch (area.level) {
    case 'county':
      return formatAreaPath({ level: 'town', town: tagValue });
    case 'town':
      return formatAreaPath({ level: 'village', town: area.town, village: tagValue });
    case 'village':
      return formatAreaPath(area);
  }
}

function cellOf(columns: readonly string[], row: readonly InfluxValue[]): Cell & { t: number } {
  const read = (name: string): number | null => {
    const index = columns.indexOf(name);
    const value = index < 0 ? null : row[index];
    return typeof value === 'number' ? value : null;
  };
  // fill(null) answers null for the sums and 0 for the counts of a bucket nobody reported in.
  return { t: Number(row[0]), value: read('value'), sum: read('sum') ?? 0, readings: read('readings') ?? 0, devices: read('devices') ?? 0 };
}

/** The area's cell from its children's: exact for every aggregate (a mean from sums and counts, not from means). */
function combine(agg: RollupAggregate, cells: readonly Cell[]): Cell {
  const values = cells.map((cell) => cell.value).filter((value): value is number => value !== null);
  const value = values.length === 0 ? null : agg === 'min' ? Math.min(...values) : agg === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
  return {
    value,
    sum: cells.reduce((total, cell) => total + cell.sum, 0),
    readings: cells.reduce((total, cell) => total + cell.readings, 0),
    devices: cells.reduce((total, cell) => total + cell.devices, 0),
  };
}

function point(agg: RollupAggregate, t: number, cell: Cell): RollupPointView {
  const value = agg === 'count' ? cell.devices : agg === 'mean' ? (cell.readings > 0 ? cell.sum / cell.readings : null) : cell.value;
  return { t: new Date(t).toISOString(), value, devices: cell.devices };
}
