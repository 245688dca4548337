import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { ROLLUP_AGGREGATES, type AreaRollupView, type RollupAggregate } from '@hub/api-types';
import { useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { Chart } from '../components/chart';
import { RangeSwitch } from '../components/range-switch';
import { ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { formatDuration } from '../format/time';
import { domainLabel, formatCount, formatValue, metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { t, type MessageId } from '../i18n/i18n';
import { areaName } from '../overview/area-tiles';
import { defaultAggregate, latestValue, ROLLUP_RANGES, rollupOptions, rollupWindow, type RollupOption } from '../overview/rollup-choice';
import { useQueryParam } from '../router';

/**
 * A metric across the town's devices over time, computed by the hub in InfluxDB (GET /api/areas/{town}/rollup): the
 * town's total as a chart and, per village, its newest bucket. The choice of metric, aggregate and range stays in
 * the address, so a link opens the same view.
 */
export function TownRollup(props: { town: string; domains: readonly string[] }): JSX.Element {
  const { catalogue } = useCatalogue();
  const options = useMemo(() => rollupOptions(catalogue, props.domains), [catalogue, props.domains]);
  const [metricParam, setMetricParam] = useQueryParam('metric');
  const [aggParam, setAggParam] = useQueryParam('agg');
  const [rangeParam, setRangeParam] = useQueryParam('range');
  const choice: RollupOption | undefined = options.find((option) => optionKey(option) === metricParam) ?? options[0];
  const agg: RollupAggregate | undefined = choice && (ROLLUP_AGGREGATES.find((entry) => entry === aggParam) ?? defaultAggregate(choice.unit));
  const range = ROLLUP_RANGES.find((entry) => entry.key === rangeParam) ?? ROLLUP_RANGES[0];

  return (
    <section class="card town-rollup" aria-labelledby="town-rollup">
      <div class="card-header">
        <h2 id="town-rollup" class="card-title">
          {t('rollup.title')}
        </h2>
        <RangeSwitch ranges={ROLLUP_RANGES} value={range.key} onChange={setRangeParam} />
      </div>
      {choice === undefined || agg === undefined ? (
        <p class="muted">{catalogue === undefined ? t('rollup.loadingMetrics') : t('rollup.noMetrics')}</p>
      ) : (
        <>
          <div class="filters rollup-choice">
            <label>
              {t('rollup.metric')}
              <select name="metric" value={optionKey(choice)} onChange={(event) => (setMetricParam(event.currentTarget.value), setAggParam(''))}>
                {options.map((option) => (
                  <option value={optionKey(option)} key={optionKey(option)}>
                    {t('rollup.metricOption', { domain: domainLabel(option.domain), metric: metricLabel(option.metric), unit: option.unit })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('rollup.aggregate')}
              <select name="agg" value={agg} onChange={(event) => setAggParam(event.currentTarget.value)}>
                {ROLLUP_AGGREGATES.map((entry) => (
                  <option value={entry} key={entry}>
                    {t(`rollup.agg.${entry}` as MessageId)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <RollupFigures town={props.town} choice={choice} agg={agg} range={range} />
        </>
      )}
    </section>
  );
}

function RollupFigures(props: { town: string; choice: RollupOption; agg: RollupAggregate; range: (typeof ROLLUP_RANGES)[number] }): JSX.Element {
  const { town, choice, agg, range } = props;
  const rollup = useResource(
    (signal) => hubApi.areaRollup(town, { domain: choice.domain, metric: choice.metric, agg, every: range.every, ...rollupWindow(Date.now(), range) }, signal),
    [town, choice.domain, choice.metric, agg, range.key],
    { refreshMs: range.refreshMs, reloadOn: ['hello'] },
  );
  return (
    <>
      <StaleNotice error={rollup.data ? rollup.error : undefined} updatedAt={rollup.updatedAt} onRetry={rollup.reload} />
      {rollup.loading && <Loading what={t('rollup.loading')} />}
      {!rollup.loading && !rollup.data && rollup.error && <ErrorNotice error={rollup.error} onRetry={rollup.reload} compact />}
      {rollup.data && <RollupResult rollup={rollup.data} everyMs={range.everyMs} />}
    </>
  );
}

function RollupResult(props: { rollup: AreaRollupView; everyMs: number }): JSX.Element {
  const { rollup } = props;
  const unit = rollup.agg === 'count' ? '' : rollup.unit;
  const title = t(`rollup.agg.${rollup.agg}` as MessageId) + ' · ' + metricLabel(rollup.metric);
  const points = useMemo(
    () => rollup.total.points.flatMap((point) => (point.value === null ? [] : [[Date.parse(point.t), point.value] as const])),
    [rollup],
  );
  const latest = latestValue(rollup.total.points);
  return (
    <>
      <p class="muted chart-caption" data-rollup-caption>
        {t(`rollup.caption.${rollup.agg}` as MessageId, { every: formatDuration(props.everyMs) })} <Time value={rollup.from} mode="short" /> – <Time value={rollup.to} mode="short" />
        {rollup.resolution !== 'raw' && <span data-resolution={rollup.resolution}> {t(rollup.resolution === '1h' ? 'chart.fromHourly' : 'chart.fromMinutes')}</span>}
      </p>
      <figure class="chart-figure" data-metric={rollup.metric} data-agg={rollup.agg}>
        <figcaption>
          <span class="chart-title">{title}</span>
          <span class="chart-latest" data-rollup-latest>
            {latest === undefined ? '—' : formatValue(latest.value, unit)}
          </span>
        </figcaption>
        <Chart title={title} unit={unit} points={points} from={Date.parse(rollup.from)} to={Date.parse(rollup.to)} />
      </figure>
      {rollup.children.length > 0 && (
        <div class="table-scroll">
          <table class="table rollup-villages">
            <thead>
              <tr>
                <th scope="col">{t('town.col.village')}</th>
                <th scope="col">{t('rollup.col.latest')}</th>
                <th scope="col">{t('rollup.col.reporting')}</th>
                <th scope="col">{t('rollup.col.bucket')}</th>
              </tr>
            </thead>
            <tbody>
              {rollup.children.map((series) => {
                const newest = latestValue(series.points);
                return (
                  <tr key={series.area} data-rollup-area={series.area}>
                    <th scope="row">{areaName(series.area)}</th>
                    <td class="numeric">{newest === undefined ? <span class="muted">{t('rollup.noReadings')}</span> : formatValue(newest.value, unit)}</td>
                    <td class="numeric">{newest === undefined ? '—' : formatCount(newest.devices)}</td>
                    <td>{newest === undefined ? '—' : <Time value={newest.t} mode="short" />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** A metric's key in the address: `water.flow_m3h` (a metric name may be in several domains). */
function optionKey(option: RollupOption): string {
  return `${option.domain}.${option.metric}`;
}
