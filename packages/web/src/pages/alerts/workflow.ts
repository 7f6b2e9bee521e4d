// The workflow of a fired alert as the console shows it: states, the moves each state offers (the API's
// ALERT_TRANSITIONS in packages/platform/src/alerts/types.ts) and the list filters kept in the URL.

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const STATE_COLOR: Record<AlertState, string> = { open: 'red', acknowledged: 'gold', resolved: 'green' };

/** A button of the workflow: the state it moves the alert to, and its label key under `alerts.action`. */
export interface StateMove {
  to: AlertState;
  action: 'acknowledge' | 'resolve' | 'reopen';
}

const MOVES: Record<AlertState, readonly StateMove[]> = {
  open: [
    { to: 'acknowledged', action: 'acknowledge' },
    { to: 'resolved', action: 'resolve' },
  ],
  acknowledged: [
    { to: 'resolved', action: 'resolve' },
    { to: 'open', action: 'reopen' },
  ],
  resolved: [{ to: 'open', action: 'reopen' }],
};

export function isAlertState(v: unknown): v is AlertState {
  return typeof v === 'string' && (ALERT_STATES as readonly string[]).includes(v);
}

/** The moves an alert in `state` offers; an unknown state (older server) offers none. */
export function movesFrom(state: string | undefined): readonly StateMove[] {
  return isAlertState(state) ? MOVES[state] : [];
}

/** One change of an alert's workflow (GET /api/v1/alerts/:id → history). */
export interface AlertStateEvent {
  id: number;
  actor: string;
  at: string;
  fromState: AlertState;
  state: AlertState;
  fromAssigneeId: number | null;
  assigneeId: number | null;
  note: string | null;
  /** User names the server adds (actor "user:<id>", assignees). */
  names?: { actor?: string; fromAssignee?: string; assignee?: string };
}

/** What an event did, for its timeline line: a state move, an assignment change, or only a note. */
export function eventKinds(e: AlertStateEvent): ('state' | 'assignee' | 'note')[] {
  const kinds: ('state' | 'assignee' | 'note')[] = [];
  if (e.fromState !== e.state) kinds.push('state');
  if (e.fromAssigneeId !== e.assigneeId) kinds.push('assignee');
  if (kinds.length === 0 && e.note) kinds.push('note');
  return kinds;
}

/** URL filter values → the query of GET /api/v1/alerts (`assignee`: a user id, me or none; anything else dropped). */
export function workflowQuery(values: { state?: string; assignee?: string }, q: URLSearchParams): URLSearchParams {
  const states = (values.state ?? '').split(',').filter(isAlertState);
  if (states.length) q.set('state', [...new Set(states)].join(','));
  const a = values.assignee;
  if (a && /^(me|none|[1-9][0-9]{0,14})$/.test(a)) q.set('assignee', a);
  return q;
}

/** One delivery of an alert to one destination (the dispatcher retries each on its own). */
export interface AlertDelivery {
  id: number;
  destinationId: number;
  destinationName: string | null;
  destinationKind: string | null;
  /** pending, failed (retrying), sent, dead. */
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/**
 * A fired alert (GET /api/v1/alerts): one alert rule firing for one group key on one scan, delivered to each of
 * the rule's destinations, with the people's workflow.
 */
export interface Alert {
  id: number;
  ruleId: number | null;
  groupKey: string;
  payload: { title: string; severity: string; total: number; counts: Record<string, number>; rule: { id: number; name: string }; scan?: { target: string } };
  createdAt: string;
  state: AlertState;
  assigneeId: number | null;
  assigneeName?: string | null;
  note: string | null;
  changedBy: string | null;
  changedAt: string | null;
  /** The most urgent of its deliveries' statuses (dead, failed, pending; sent when all are), none without any. */
  deliveryStatus: string;
  deliveries: AlertDelivery[];
}

/** The label of a delivery's destination: its name, else its id (a destination deleted meanwhile). */
export function destinationLabel(d: Pick<AlertDelivery, 'destinationId' | 'destinationName'>): string {
  return d.destinationName ?? `#${d.destinationId}`;
}
