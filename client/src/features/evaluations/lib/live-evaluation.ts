/**
 * An evaluation as the live views show it, advanced by the project's events
 * (`evaluation.progress|completed|cancelled|failed`, docs/evaluations.md "Live events") between
 * the occasional GET (on open, after a (re)subscription, once it ends for the summary).
 */
import type { Evaluation, EvaluationStatus, Progress } from '@/api/evaluation-queries';
import type { ProjectEvent } from '@/api/project-events';

export const EVALUATION_EVENTS = ['evaluation.progress', 'evaluation.completed', 'evaluation.cancelled', 'evaluation.failed'] as const;
const TERMINAL_EVENTS: Record<string, EvaluationStatus> = {
  'evaluation.completed': 'completed',
  'evaluation.cancelled': 'cancelled',
  'evaluation.failed': 'failed',
};

export function isEvaluationEvent(event: ProjectEvent): boolean {
  return (EVALUATION_EVENTS as readonly string[]).includes(event.event) && typeof event.data.id === 'string';
}

/** Whether the event ends the run (the summary is then worth fetching). */
export function isTerminalEvent(event: ProjectEvent): boolean {
  return event.event in TERMINAL_EVENTS;
}

const count = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback);

function progressFrom(data: unknown, current: Progress): Progress {
  const d = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  return {
    done: count(d.done, current.done),
    total: count(d.total, current.total),
    passed: count(d.passed, current.passed),
    failed: count(d.failed, current.failed),
    errors: count(d.errors, current.errors),
  };
}

/** Apply one event to the evaluation it concerns; anything else leaves it as it is (same object). */
export function applyEvaluationEvent(current: Evaluation, event: ProjectEvent): Evaluation {
  if (!isEvaluationEvent(event) || event.data.id !== current.id) return current;
  const terminal = TERMINAL_EVENTS[event.event];
  if (terminal) {
    if (current.status === terminal && current.finished_at) return current;
    const progress = progressFrom(event.data.progress, current.progress);
    return {
      ...current,
      status: terminal,
      // Counters only grow within a run (a cancelled run still writes the cells already finished).
      progress: progress.done >= current.progress.done ? progress : current.progress,
      passed: typeof event.data.passed === 'boolean' ? event.data.passed : null,
      finished_at: current.finished_at ?? event.at ?? new Date().toISOString(),
    };
  }
  // evaluation.progress: events may overtake each other across replicas, so counts never go back.
  const progress = progressFrom(event.data, current.progress);
  if (progress.done < current.progress.done || current.status === 'completed' || current.status === 'failed') return current;
  return {
    ...current,
    progress,
    status: current.status === 'queued' ? 'running' : current.status,
    started_at: current.started_at ?? event.at,
  };
}

/** The fraction done, 0..1 (an empty evaluation counts as done once it ended). */
export function fractionDone(progress: Progress): number {
  if (progress.total <= 0) return 0;
  return Math.min(1, progress.done / progress.total);
}

/** Milliseconds the run has taken: from its start (or creation while queued) to its end or `now`. */
export function elapsedMs(evaluation: Pick<Evaluation, 'created_at' | 'started_at' | 'finished_at'>, now: number): number {
  const start = Date.parse(evaluation.started_at ?? evaluation.created_at);
  const end = evaluation.finished_at ? Date.parse(evaluation.finished_at) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return 0;
  return Math.max(0, end - start);
}

/** "8s", "2m 05s", "1h 02m". */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
