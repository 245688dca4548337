import { MetricCatalogue } from '@hub/contract';
import { DeviceEvaluation, Episode } from '../evaluation/device-evaluation';
import { AlertRule } from '../rules/alert-rule';
import { parseAlertRuleInput } from '../rules/alert-rule.validator';
import { Alert, AlertEventDraft } from './alert';
import { acknowledge, resolveByOperator } from './alert-operator-actions';
import { AlertStateMachine, StateMachineContext } from './alert-state-machine';

const S = 1000;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
// evaluateEvery 1s, so the flap window is 20 s.
const RULE: AlertRule = {
  ...parseAlertRuleInput({
    name: 'Methane high',
    severity: 'critical',
    selector: { domain: 'gas', metric: 'methane_pct_lel' },
    evaluateEvery: '1s',
    condition: { type: 'threshold', operator: 'above', value: 20, clear: 10 },
  }, MetricCatalogue.BUILT_IN).spec,
  id: 'methane-high',
  revision: 1,
  createdAt: 0,
  updatedAt: 0,
};

function episode(startS: number, endS: number | null, value = 30, peak = value): Episode {
  return { start: T0 + startS * S, end: endS === null ? null : T0 + endS * S, value, valueAt: T0 + (endS ?? startS) * S, peak, peakScore: peak };
}

function evaluation(episodes: Episode[], latestS: number, clearSinceS: number | null = null): DeviceEvaluation {
  return { deviceId: 'g-1', episodes, clearSince: clearSinceS === null ? null : T0 + clearSinceS * S, latestAt: T0 + latestS * S, latestValue: 0 };
}

/** Runs evaluations one after the other like successive ticks, storing alerts (ids from 1) as a repository would. */
class Ticks {
  readonly stored: Alert[] = [];
  readonly events: AlertEventDraft[] = [];
  suppression: number | 'season' | null = null;
  silencedBy: number | null = null;

  run(nowS: number, deviceEvaluation: DeviceEvaluation): AlertEventDraft[] {
    const context: StateMachineContext = {
      rule: RULE,
      unit: '%LEL',
      town: null,
      now: T0 + nowS * S,
      summary: 'methane_pct_lel at or above 20 %LEL at once; clears below 20 %LEL',
      silencedBy: this.silencedBy,
      suppressionOf: () => this.suppression,
    };
    const result = AlertStateMachine.apply(this.latest, deviceEvaluation, context);
    for (const alert of result.alerts) {
      if (alert.id === 0) alert.id = this.stored.length + 1;
      this.stored[alert.id - 1] = alert;
    }
    this.events.push(...result.events);
    return result.events;
  }

  get latest(): Alert | undefined {
    return this.stored[this.stored.length - 1];
  }

  /** kind:state of each event, and whether it was notified. */
  kinds(events: AlertEventDraft[] = this.events): string[] {
    return events.map((event) => `${event.kind}→${event.toState}${event.notify ? '' : ' (quiet)'}`);
  }
}

describe('AlertStateMachine', () => {
  it('raises one alert for an occurrence and updates it in place on every evaluation that still sees it', () => {
    const ticks = new Ticks();
    expect(ticks.kinds(ticks.run(5, evaluation([episode(2, null, 25, 31)], 4)))).toEqual(['fired→firing']);
    expect(ticks.run(6, evaluation([episode(2, null, 27, 35)], 5))).toEqual([]);
    // The window has moved on: the occurrence now starts at the window's edge, and is still the same one.
    expect(ticks.run(7, evaluation([episode(3, null, 26, 29)], 6))).toEqual([]);
    expect(ticks.stored).toHaveLength(1);
    expect(ticks.latest).toMatchObject({
      id: 1,
      deviceId: 'g-1',
      state: 'firing',
      startedAt: T0 + 2 * S,
      firedAt: T0 + 5 * S,
      updatedAt: T0 + 7 * S,
      value: 26,
      peak: 35,
      count: 3,
      conditionActive: true,
      openings: [T0 + 2 * S],
    });
  });

  it('resolves when the occurrence ends, and does nothing more when the same window is read again', () => {
    const ticks = new Ticks();
    ticks.run(5, evaluation([episode(2, null)], 4));
    expect(ticks.kinds(ticks.run(9, evaluation([episode(2, 8, 5)], 8, 8)))).toEqual(['resolved→resolved']);
    expect(ticks.latest).toMatchObject({ state: 'resolved', resolvedBy: 'system', resolution: 'cleared', resolvedAt: T0 + 9 * S, conditionEndedAt: T0 + 8 * S });
    expect(ticks.run(10, evaluation([episode(2, 8, 5)], 9, 8))).toEqual([]);
    expect(ticks.stored).toHaveLength(1);
  });

  it('raises and resolves at once an occurrence that lies wholly in the past (a late batch), at its own time', () => {
    const ticks = new Ticks();
    expect(ticks.kinds(ticks.run(600, evaluation([episode(100, 160, 5, 42)], 599, 160)))).toEqual(['fired→firing', 'resolved→resolved']);
    expect(ticks.latest).toMatchObject({ startedAt: T0 + 100 * S, conditionEndedAt: T0 + 160 * S, peak: 42, count: 0, state: 'resolved' });
  });

  it('holds a flapping occurrence in one alert, quiet, until it settles', () => {
    const ticks = new Ticks();
    ticks.run(3, evaluation([episode(1, 3)], 3, 3)); // fired, resolved
    ticks.run(6, evaluation([episode(1, 3), episode(5, 6)], 6, 6)); // reopened, resolved
    ticks.run(8, evaluation([episode(1, 3), episode(5, 6), episode(8, null)], 8)); // third opening within 20 s: flapping
    ticks.run(10, evaluation([episode(5, 6), episode(8, 10)], 10, 10)); // clears, but held open
    ticks.run(12, evaluation([episode(8, 10), episode(12, null)], 12)); // back again, quietly
    ticks.run(14, evaluation([episode(12, 14)], 14, 14));
    expect(ticks.stored).toHaveLength(1);
    expect(ticks.latest).toMatchObject({ state: 'firing', flapping: true, conditionActive: false });
    // 20 s after the last change (at 14 s) with nothing new: it settles and resolves, notified once more.
    expect(ticks.run(33, evaluation([], 33, 14))).toEqual([]);
    expect(ticks.kinds(ticks.run(35, evaluation([], 34, 14)))).toEqual(['resolved→resolved']);
    expect(ticks.kinds()).toEqual([
      'fired→firing',
      'resolved→resolved',
      'reopened→firing',
      'resolved→resolved',
      'flapping→firing',
      'condition-cleared→firing (quiet)',
      'condition-returned→firing (quiet)',
      'condition-cleared→firing (quiet)',
      'resolved→resolved',
    ]);
    expect(ticks.latest).toMatchObject({ id: 1, flapping: false, resolution: 'cleared' });
  });

  it('ends flapping but stays firing when the condition settles in the breach', () => {
    const ticks = new Ticks();
    ticks.run(3, evaluation([episode(1, 3)], 3, 3));
    ticks.run(6, evaluation([episode(5, 6)], 6, 6));
    ticks.run(8, evaluation([episode(8, null)], 8));
    expect(ticks.kinds(ticks.run(30, evaluation([episode(8, null)], 28)))).toEqual(['flapping-ended→firing']);
    expect(ticks.latest).toMatchObject({ state: 'firing', flapping: false, count: 2 });
  });

  it('raises a new alert, not a reopened one, for an occurrence after the flap window', () => {
    const ticks = new Ticks();
    ticks.run(3, evaluation([episode(1, 3)], 3, 3));
    ticks.run(40, evaluation([episode(30, null)], 40));
    expect(ticks.stored.map((alert) => [alert.id, alert.state])).toEqual([
      [1, 'resolved'],
      [2, 'firing'],
    ]);
  });

  it('keeps an acknowledgement until the alert resolves by itself', () => {
    const ticks = new Ticks();
    ticks.run(2, evaluation([episode(1, null)], 2));
    const alert = ticks.latest as Alert;
    acknowledge(alert, 'j.smith', 'crew sent', T0 + 3 * S);
    ticks.run(4, evaluation([episode(1, null)], 4));
    expect(ticks.latest).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'j.smith', count: 2 });
    expect(ticks.kinds(ticks.run(6, evaluation([episode(1, 5)], 6, 5)))).toEqual(['resolved→resolved']);
    expect(ticks.latest).toMatchObject({ state: 'resolved', acknowledgedBy: 'j.smith', acknowledgeNote: 'crew sent' });
  });

  it('does not raise again what an operator resolved while it still holds; a later occurrence does', () => {
    const ticks = new Ticks();
    ticks.run(2, evaluation([episode(1, null)], 2));
    resolveByOperator(ticks.latest as Alert, 'j.smith', 'known, valve closed', T0 + 3 * S);
    expect(ticks.run(10, evaluation([episode(1, null)], 10))).toEqual([]);
    expect(ticks.run(12, evaluation([episode(1, 11)], 12, 11))).toEqual([]);
    expect(ticks.latest).toMatchObject({ state: 'resolved', resolution: 'operator', conditionActive: false, conditionEndedAt: T0 + 11 * S });
    expect(ticks.kinds(ticks.run(60, evaluation([episode(50, null)], 60)))).toEqual(['fired→firing']);
    expect(ticks.stored).toHaveLength(2);
  });

  it('ends an active condition on a held clear run even when the window shows no occurrence', () => {
    const ticks = new Ticks();
    ticks.run(2, evaluation([episode(1, null)], 2));
    expect(ticks.kinds(ticks.run(500, evaluation([], 499, 420)))).toEqual(['resolved→resolved']);
    expect(ticks.latest?.conditionEndedAt).toBe(T0 + 420 * S);
  });

  it('raises nothing for a suppressed occurrence, and records but does not notify changes of a silenced alert', () => {
    const ticks = new Ticks();
    ticks.suppression = 7;
    expect(ticks.run(2, evaluation([episode(1, null)], 2))).toEqual([]);
    ticks.suppression = null;
    ticks.run(3, evaluation([episode(1, null)], 3));
    ticks.silencedBy = 7;
    const events = ticks.run(5, evaluation([episode(1, 4)], 5, 4));
    expect(ticks.kinds(events)).toEqual(['resolved→resolved (quiet)']);
    expect(events[0].silenceId).toBe(7);
  });

  it('ignores an old occurrence that ended before the current alert began', () => {
    const ticks = new Ticks();
    ticks.run(100, evaluation([episode(90, null)], 100));
    expect(ticks.run(101, evaluation([episode(10, 20), episode(90, null)], 101))).toEqual([]);
    expect(ticks.stored).toHaveLength(1);
  });
});
