/** React binding of the tab's live-events connection (src/api/project-events.ts). */
import { useEffect, useRef, useState } from 'react';
import { projectEvents, type LiveState, type ProjectEvent, type ProjectEvents } from '@/api/project-events';

export interface ProjectEventsHandlers {
  /** Every event of the project, in arrival order. */
  onEvent: (event: ProjectEvent) => void;
  /** The subscription was (re)confirmed: re-fetch whatever events might have been missed. */
  onLive?: () => void;
}

/**
 * Listen to a project's events while mounted; returns the subscription state (`live` once the
 * server confirmed it). Handlers may change on every render without re-subscribing.
 */
export function useProjectEvents(projectId: string | undefined, handlers: ProjectEventsHandlers, client: ProjectEvents = projectEvents): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    if (!projectId) return;
    return client.listen(projectId, {
      onEvent: (event) => ref.current.onEvent(event),
      onLive: () => ref.current.onLive?.(),
      onState: setState,
    });
  }, [projectId, client]);
  return state;
}
