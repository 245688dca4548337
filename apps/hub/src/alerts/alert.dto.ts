import { DOMAIN_API_DOC } from '../catalogue/domain-query.pipe';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ALERT_EVENT_KINDS,
  ALERT_STATES,
  CHANGE_DIRECTIONS,
  CONDITION_TYPES,
  DELIVERY_OUTCOMES,
  RESOLUTIONS,
  SEND_REASONS,
  SEVERITIES,
  THRESHOLD_OPERATORS,
  type AlertDeliveryView,
  type AlertEventKind,
  type AlertEventView,
  type AlertPage,
  type AlertState,
  type AlertView,
  type CommentRequest,
  type ConditionType,
  type DeliveryOutcome,
  type OperatorActionRequest,
  type Resolution,
  type SendReason,
  type Severity,
  type SilenceView,
} from '@hub/api-types';
import type { Domain } from '@hub/contract';

/**
 * OpenAPI schemas of the alert API. Documentation only: bodies are validated by the alerts lib (which names every bad
 * field); these classes describe the same shapes for /api/docs. Each `implements` its @hub/api-types shape, so a
 * field renamed there stops this file compiling until the documentation follows.
 */
export class RuleSelectorDto {
  @ApiProperty({ ...DOMAIN_API_DOC })
  domain!: string;
  @ApiProperty({ description: 'A metric of the domain (see /api/catalogue or docs/contract.md)', example: 'methane_pct_lel' })
  metric!: string;
  @ApiPropertyOptional({ type: [String], description: 'Only devices in these towns, as the device registry places them (a device without a town is in none); empty: every town' })
  towns?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Only these devices (empty: every device of the domain)' })
  deviceIds?: string[];
}

export class ConditionDto {
  @ApiProperty({ enum: CONDITION_TYPES })
  type!: string;
  @ApiPropertyOptional({ enum: THRESHOLD_OPERATORS, description: 'threshold: above (value reached or exceeded), below, or outside a band' })
  operator?: string;
  @ApiPropertyOptional({ description: 'threshold above/below: the trigger level (inclusive)' })
  value?: number;
  @ApiPropertyOptional({ description: 'threshold above/below: clear level (hysteresis; default = value). rate-of-change: change below which it clears (default = amount)' })
  clear?: number;
  @ApiPropertyOptional({ description: 'threshold outside: lower trigger' })
  low?: number;
  @ApiPropertyOptional({ description: 'threshold outside: upper trigger' })
  high?: number;
  @ApiPropertyOptional({ description: 'threshold outside: clears above this (default = low)' })
  clearLow?: number;
  @ApiPropertyOptional({ description: 'threshold outside: clears below this (default = high)' })
  clearHigh?: number;
  @ApiPropertyOptional({ description: 'threshold: every reading beyond the trigger for this long before firing (default 0s: first reading)', example: '2m' })
  for?: string;
  @ApiPropertyOptional({ description: 'threshold, rate-of-change: clear held this long before resolving (default 0s)', example: '1m' })
  clearFor?: string;
  @ApiPropertyOptional({ enum: CHANGE_DIRECTIONS, description: 'rate-of-change' })
  direction?: string;
  @ApiPropertyOptional({ description: 'rate-of-change: change of the smoothed value within the window that fires' })
  amount?: number;
  @ApiPropertyOptional({ description: 'rate-of-change, stuck: the window', example: '5m' })
  window?: string;
  @ApiPropertyOptional({ description: 'no-data: silent this long', example: '10m' })
  silentFor?: string;
  @ApiPropertyOptional({ description: 'no-data: silent longer than this many times the device’s usual interval', example: 3 })
  intervalMultiple?: number;
  @ApiPropertyOptional({ description: 'no-data: window over which the usual interval is measured (default 1h)', example: '1h' })
  baseline?: string;
  @ApiPropertyOptional({ description: 'stuck: largest change still counted as "no change" (default 0)' })
  tolerance?: number;
  @ApiPropertyOptional({ description: 'stuck: readings the window must hold (default 3)' })
  minReadings?: number;
}

export class AlertRuleDto {
  @ApiPropertyOptional({ description: 'Lower-case letters, digits and -; derived from the name when left out on create', example: 'gas-methane-alarm' })
  id?: string;
  @ApiProperty({ example: 'Methane at or above 20 %LEL' })
  name!: string;
  @ApiPropertyOptional()
  description?: string;
  @ApiPropertyOptional({ default: true })
  enabled?: boolean;
  @ApiProperty({ enum: SEVERITIES })
  severity!: string;
  @ApiProperty({ type: RuleSelectorDto })
  selector!: RuleSelectorDto;
  @ApiPropertyOptional({ description: 'Evaluation interval, 1s to 1h (default 1m)', example: '30s' })
  evaluateEvery?: string;
  @ApiProperty({ type: ConditionDto })
  condition!: ConditionDto;
  @ApiPropertyOptional({ type: [Number], description: 'Months 1–12 (server calendar) in which new alerts may fire; empty: all year', example: [10, 11, 12, 1, 2, 3, 4] })
  activeMonths?: number[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Flapping window (default null: 20 × evaluateEvery)' })
  flapWindow?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The standard and clause the thresholds follow; quoted in every alert of the rule (default null: none)',
    example: 'GB/T 12325-2008 §4.3: 220 V single-phase supply within +7 % and −10 % of nominal',
  })
  standard?: string | null;
  @ApiPropertyOptional({ description: 'On PUT/PATCH: the revision this change is based on; 409 when the rule has moved on' })
  revision?: number;
  @ApiPropertyOptional({ readOnly: true })
  createdAt?: string;
  @ApiPropertyOptional({ readOnly: true })
  updatedAt?: string;
}

export class AlertDto implements AlertView {
  @ApiProperty() id!: number;
  @ApiProperty() ruleId!: string;
  @ApiProperty() ruleName!: string;
  @ApiProperty({ enum: CONDITION_TYPES }) conditionType!: ConditionType;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ enum: ALERT_STATES }) state!: AlertState;
  @ApiProperty({ description: 'Opened and cleared repeatedly: held open, further changes not notified' }) flapping!: boolean;
  @ApiProperty({ ...DOMAIN_API_DOC }) domain!: Domain;
  @ApiProperty() metric!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() deviceId!: string;
  @ApiProperty({ nullable: true, type: String }) town!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The device’s village within its town when the alert was raised' }) village!: string | null;
  @ApiProperty() summary!: string;
  @ApiProperty({ description: 'Event time the condition began' }) startedAt!: string;
  @ApiProperty({ description: 'When the hub raised the alert' }) firedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Whether the condition holds at the newest data' }) conditionActive!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Event time the clear condition began' }) conditionEndedAt!: string | null;
  @ApiProperty({ description: 'Latest value: the metric (threshold, stuck), the change over the window (rate-of-change), seconds silent (no-data)' }) value!: number;
  @ApiProperty() valueAt!: string;
  @ApiProperty({ description: 'Most extreme value seen' }) peak!: number;
  @ApiProperty({ description: 'Evaluations that found the condition holding' }) count!: number;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgeNote!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, enum: RESOLUTIONS }) resolution!: Resolution | null;
}

export class AlertPageDto implements AlertPage {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty({ description: 'Alerts matching the filter in all' }) matching!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Pass as `before` for the next page' }) nextBefore!: number | null;
}

export class AlertEventDto implements AlertEventView {
  @ApiProperty() id!: number;
  @ApiProperty() alertId!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ALERT_EVENT_KINDS }) kind!: AlertEventKind;
  @ApiProperty({ description: '"system", the operator’s username, key:<name> or bootstrap-key' }) actor!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, enum: ALERT_STATES }) fromState!: AlertState | null;
  @ApiProperty({ enum: ALERT_STATES }) toState!: AlertState;
  @ApiProperty({ description: 'Sent to MQTT and webhooks' }) notified!: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'The silence that held the notification back' }) silenceId!: number | null;
}

export class AlertDeliveryDto implements AlertDeliveryView {
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The queued message this row belongs to: its attempts share it' }) messageId!: number | null;
  @ApiProperty({ description: 'The policy route’s position in the tree (routes[0]); "" is the default route' }) route!: string;
  @ApiProperty() contactPoint!: string;
  @ApiProperty({ nullable: true, type: String, description: 'email, dingtalk, feishu, wecom, sms, webhook; null when the contact point no longer existed' }) kind!: string | null;
  @ApiProperty({ description: '0: the route’s contact points; 1…: escalation levels' }) level!: number;
  @ApiProperty({ enum: SEND_REASONS }) reason!: SendReason;
  @ApiProperty({ enum: DELIVERY_OUTCOMES, description: 'queued (attempt 0), then each attempt: sent, failed (retried with back-off), given-up (refused for good, or still failing after HUB_NOTIFY_GIVE_UP_AFTER)' })
  outcome!: DeliveryOutcome;
  @ApiProperty({ description: '0 when queued; 1 the first send; 2… retries' }) attempt!: number;
  @ApiProperty({ description: 'What the provider answered, or why the hub gave up; empty when queued' }) providerAnswer!: string;
  @ApiProperty({ description: 'How many alerts the message carried (a group’s changes go as one message)' }) alertCount!: number;
}

/** The actor is the logged-in operator or API key; a `by` field is refused (400) so no client believes it names someone. */
export class OperatorActionDto implements OperatorActionRequest {
  @ApiPropertyOptional({ example: 'Crew dispatched' })
  note?: string;
}

export class CommentDto implements CommentRequest {
  @ApiProperty({ example: 'Valve V-12 closed, pressure recovering' })
  text!: string;
}

export class SilenceDto implements SilenceView {
  @ApiProperty({ readOnly: true }) id!: number;
  @ApiPropertyOptional({ ...DOMAIN_API_DOC, nullable: true }) domain!: Domain | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'A town (covers its villages) or Town/Village' }) town!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) deviceId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Only this rule' }) ruleId!: string | null;
  @ApiProperty({ description: 'Epoch ms or ISO-8601 (default now)' }) startsAt!: string;
  @ApiProperty({ description: 'Epoch ms or ISO-8601; or give `duration` instead on create' }) endsAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ readOnly: true, description: 'Who made it (the logged-in operator or API key); not accepted in a body' }) createdBy!: string;
  @ApiProperty({ readOnly: true }) createdAt!: string;
  @ApiProperty({ readOnly: true, description: 'In force now' }) active!: boolean;
}

export class RuleEvaluationStatusDto {
  @ApiProperty() ruleId!: string;
  @ApiProperty() scheduled!: boolean;
  @ApiProperty() ok!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() skippedOverlap!: number;
  @ApiProperty() superseded!: number;
  @ApiProperty() slow!: number;
  @ApiProperty({ nullable: true, type: Number }) lastDurationMs!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Wall clock of the last completed evaluation' }) evaluatedThrough!: string | null;
}
