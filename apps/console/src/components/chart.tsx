import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTicks } from '../format/time';
import type { ChartSpan, ChartThreshold } from './chart-model';
import { formatValue } from '../format/values';
import { t } from '../i18n/i18n';

export type { ChartSpan, ChartThreshold };

export interface ChartProps {
  readonly title: string;
  readonly unit: string;
  /** [epoch ms, value], in time order. */
  readonly points: readonly (readonly [number, number])[];
  readonly from: number;
  readonly to: number;
  readonly typical?: readonly [number, number];
  readonly thresholds?: readonly ChartThreshold[];
  /** Periods an alert was open, shaded behind the line. */
  readonly spans?: readonly ChartSpan[];
  readonly height?: number;
}

const cssVar = (name: string, fallback: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/**
 * One metric over time (uPlot, canvas): the line with its points, the typical band shaded, rule thresholds as dashed
 * lines, alert periods behind. Time axis in the browser's zone (uPlot's default).
 */
export function Chart(props: ChartProps): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const colours = {
      line: cssVar('--chart-line', '#4aa3df'),
      band: cssVar('--chart-band', 'rgba(90,170,120,0.14)'),
      axis: cssVar('--text-muted', '#8a96a3'),
      grid: cssVar('--grid', 'rgba(128,128,128,0.15)'),
      critical: cssVar('--critical', '#e5484d'),
      warning: cssVar('--warning', '#f5a524'),
      info: cssVar('--info', '#5b8def'),
    };
    const unitLabel = (value: number): string => formatValue(value, latest.current.unit === '1' ? '' : latest.current.unit);
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: props.height ?? 220,
      ms: 1,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: {
        x: { time: true, range: () => [latest.current.from, latest.current.to] },
        y: {
          range: (_u, dataMin, dataMax) => {
            const current = latest.current;
            const values = [dataMin, dataMax, ...(current.thresholds ?? []).map((threshold) => threshold.value), ...(current.typical ?? [])].filter(
              (value): value is number => value !== null && Number.isFinite(value),
            );
            if (values.length === 0) return [0, 1];
            const min = Math.min(...values);
            const max = Math.max(...values);
            const pad = (max - min) * 0.08 || Math.abs(max) * 0.05 || 1;
            return [min - pad, max + pad];
          },
        },
      },
      axes: [
        {
          stroke: colours.axis,
          grid: { stroke: colours.grid, width: 1 },
          ticks: { stroke: colours.grid },
          values: (_u, ticks, _axis, _space, increment) => formatTicks(ticks, increment),
        },
        { stroke: colours.axis, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid }, size: 64, values: (_u, ticks) => ticks.map((tick) => formatValue(tick)) },
      ],
      series: [
        {},
        {
          label: props.title,
          stroke: colours.line,
          width: 2,
          points: { show: true, size: 4, fill: colours.line },
          value: (_u, value) => (value === null ? '—' : unitLabel(value)),
        },
      ],
      hooks: {
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            const current = latest.current;
            ctx.save();
            if (current.typical) {
              const top = u.valToPos(current.typical[1], 'y', true);
              const bottom = u.valToPos(current.typical[0], 'y', true);
              ctx.fillStyle = colours.band;
              ctx.fillRect(bbox.left, Math.max(top, bbox.top), bbox.width, Math.min(bottom, bbox.top + bbox.height) - Math.max(top, bbox.top));
            }
            for (const span of current.spans ?? []) {
              const left = Math.max(u.valToPos(span.from, 'x', true), bbox.left);
              const right = Math.min(u.valToPos(span.to ?? current.to, 'x', true), bbox.left + bbox.width);
              if (right <= left) continue;
              ctx.fillStyle = colours[span.severity];
              ctx.globalAlpha = 0.12;
              ctx.fillRect(left, bbox.top, right - left, bbox.height);
              ctx.globalAlpha = 1;
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.textBaseline = 'bottom';
            ctx.textAlign = 'left';
            for (const threshold of latest.current.thresholds ?? []) {
              const y = u.valToPos(threshold.value, 'y', true);
              if (y < bbox.top || y > bbox.top + bbox.height) continue;
              ctx.strokeStyle = colours[threshold.severity];
              ctx.fillStyle = colours[threshold.severity];
              ctx.lineWidth = 1.5 * devicePixelRatio;
              ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(bbox.left, y);
              ctx.lineTo(bbox.left + bbox.width, y);
              ctx.stroke();
              ctx.fillText(`${threshold.label} ${unitLabel(threshold.value)}`, bbox.left + 6 * devicePixelRatio, y - 3 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
    const instance = new uPlot(options, toData(props.points), element);
    plot.current = instance;
    const observer = new ResizeObserver(() => instance.setSize({ width: Math.max(element.clientWidth, 200), height: latest.current.height ?? 220 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(toData(props.points));
  }, [props.points, props.from, props.to, props.thresholds, props.spans, props.typical]);

  const values = props.points.map(([, value]) => value);
  const latestPoint = props.points[props.points.length - 1];
  const summary =
    values.length === 0
      ? t('chart.summaryEmpty', { title: props.title })
      : t('chart.summary', {
          title: props.title,
          count: values.length,
          lowest: formatValue(Math.min(...values), props.unit),
          highest: formatValue(Math.max(...values), props.unit),
          latest: formatValue(latestPoint[1], props.unit),
        });
  return (
    <div
      class="chart"
      ref={host}
      role="img"
      aria-label={summary}
      data-points={props.points.length}
      data-thresholds={(props.thresholds ?? []).map((threshold) => threshold.value).join(' ')}
      data-spans={(props.spans ?? []).length}
    />
  );
}

function toData(points: readonly (readonly [number, number])[]): uPlot.AlignedData {
  return [points.map(([time]) => time), points.map(([, value]) => value)];
}
