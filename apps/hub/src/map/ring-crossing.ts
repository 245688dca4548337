/** A longitude, latitude pair (an altitude, when given, plays no part in whether a boundary is simple). */
export type Point = readonly [number, number];

/** Where a ring stops being simple: the two edges (by the index of their first position) and a point they share. */
export interface RingFault {
  readonly kind: 'crossing' | 'spike';
  readonly edges: readonly [number, number];
  readonly at: Point;
}

interface Edge {
  /** Index in the ring of its first position. */
  readonly index: number;
  readonly from: Point;
  readonly to: Point;
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

/**
 * The first place a closed ring touches or crosses itself (a "bow tie", a loop, a vertex on another edge), or turns
 * straight back on itself (a spike), or null when the ring is simple. Turf's booleanValid finds spikes and punctures but
 * not two edges that cross (a bow tie passes it), so this is checked first. A sweep over the edges by longitude keeps
 * it near n log n for boundaries (each edge meets only the few that overlap it in longitude); repeated consecutive
 * positions are allowed, as in OGC simple features, and skipped.
 */
export function firstRingFault(ring: readonly Point[]): RingFault | null {
  const points: { point: Point; index: number }[] = [];
  ring.forEach((point, index) => {
    const last = points.at(-1);
    if (last === undefined || last.point[0] !== point[0] || last.point[1] !== point[1]) points.push({ point, index });
  });
  const edges: Edge[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const from = points[k].point;
    const to = points[k + 1].point;
    edges.push({ index: points[k].index, from, to, minX: Math.min(from[0], to[0]), maxX: Math.max(from[0], to[0]), minY: Math.min(from[1], to[1]), maxY: Math.max(from[1], to[1]) });
  }
  const count = edges.length;
  if (count < 3) return null;
  for (let k = 0; k < count; k++) {
    const next = edges[(k + 1) % count];
    if (turnsBack(edges[k], next)) return { kind: 'spike', edges: [edges[k].index, next.index], at: edges[k].to };
  }
  const adjacent = (a: number, b: number): boolean => Math.abs(a - b) === 1 || Math.abs(a - b) === count - 1;
  const order = edges.map((_, k) => k).sort((a, b) => edges[a].minX - edges[b].minX);
  let active: number[] = [];
  for (const k of order) {
    const edge = edges[k];
    active = active.filter((other) => edges[other].maxX >= edge.minX);
    for (const other of active) {
      const candidate = edges[other];
      if (adjacent(k, other) || candidate.maxY < edge.minY || candidate.minY > edge.maxY) continue;
      const at = sharedPoint(candidate, edge);
      if (at !== null) {
        const [first, second] = candidate.index < edge.index ? [candidate, edge] : [edge, candidate];
        return { kind: 'crossing', edges: [first.index, second.index], at };
      }
    }
    active.push(k);
  }
  return null;
}

/** The edge after `a` goes back along it: collinear and pointing the other way. */
function turnsBack(a: Edge, b: Edge): boolean {
  if (orientation(a.from, a.to, b.to) !== 0) return false;
  return (a.to[0] - a.from[0]) * (b.to[0] - b.from[0]) + (a.to[1] - a.from[1]) * (b.to[1] - b.from[1]) < 0;
}

/** A point both segments contain, or null when they are apart. */
function sharedPoint(a: Edge, b: Edge): Point | null {
  const o1 = orientation(a.from, a.to, b.from);
  const o2 = orientation(a.from, a.to, b.to);
  const o3 = orientation(b.from, b.to, a.from);
  const o4 = orientation(b.from, b.to, a.to);
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) {
    // A proper crossing: where the lines meet.
    const [x1, y1] = a.from;
    const [x2, y2] = a.to;
    const [x3, y3] = b.from;
    const [x4, y4] = b.to;
    const t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / ((x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4));
    return [x1 + t * (x2 - x1), y1 + t * (y2 - y1)];
  }
  if (o1 === 0 && onSegment(a, b.from)) return b.from;
  if (o2 === 0 && onSegment(a, b.to)) return b.to;
  if (o3 === 0 && onSegment(b, a.from)) return a.from;
  if (o4 === 0 && onSegment(b, a.to)) return a.to;
  return null;
}

function orientation(p: Point, q: Point, r: Point): -1 | 0 | 1 {
  const cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  return cross > 0 ? 1 : cross < 0 ? -1 : 0;
}

/** For a point known to be collinear with the edge. */
function onSegment(edge: Edge, point: Point): boolean {
  return point[0] >= edge.minX && point[0] <= edge.maxX && point[1] >= edge.minY && point[1] <= edge.maxY;
}
