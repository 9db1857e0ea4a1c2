/**
 * Live project events from `/api/v1/ws` (docs/api.md "Live events"): one WebSocket per tab, shared
 * by every page that listens, authenticated by the session cookie like any same-origin request.
 *
 * The socket subscribes to each project someone listens to and re-subscribes after a reconnect.
 * Events published while it was down are lost (the server keeps no backlog), so every listener
 * hears `onLive` each time its subscription is (re)confirmed and re-fetches what it shows then.
 */
import { API_PREFIX, apiOrigin, refreshSession } from './http';

/** One event as the server sends it (`{"type":"event", ...}`). */
export interface ProjectEvent {
  event: string;
  project_id: string;
  data: Record<string, unknown>;
  at: string | null;
}

/** `live`: subscribed, events flow; `connecting`: (re)connecting; `offline`: waiting to retry. */
export type LiveState = 'connecting' | 'live' | 'offline';

export interface ProjectEventListener {
  onEvent: (event: ProjectEvent) => void;
  /** The subscription is (again) confirmed: re-fetch anything that may have changed meanwhile. */
  onLive?: () => void;
  onState?: (state: LiveState) => void;
}

// Close codes of the server (server/src/promptforge/core/ws.py).
const CLOSE_CREDENTIALS = 4001;
const CLOSE_RATE_LIMITED = 4029;

export interface ProjectEventsOptions {
  url?: () => string;
  /** Delay before reconnect attempt `n` (0-based), in ms. */
  backoff?: (attempt: number) => number;
  /** Reconnect when nothing (not even a ping) arrived for this long; the server pings every 20 s. */
  silenceMs?: number;
  /** Keep an unused socket open this long, so moving between pages does not reconnect. */
  lingerMs?: number;
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2); // jitter: tabs of a restarted server do not stampede
}

function defaultUrl(): string {
  const origin = apiOrigin() || 'http://localhost';
  return `${origin.replace(/^http/, 'ws')}${API_PREFIX}/ws`;
}

/** The tab's connection; `projectEvents` below is the one instance the app uses. */
export class ProjectEvents {
  private socket: WebSocket | null = null;
  private readonly listeners = new Map<string, Set<ProjectEventListener>>();
  private readonly live = new Set<string>();
  private attempt = 0;
  private opened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly url: () => string;
  private readonly backoff: (attempt: number) => number;
  private readonly silenceMs: number;
  private readonly lingerMs: number;

  constructor(options: ProjectEventsOptions = {}) {
    this.url = options.url ?? defaultUrl;
    this.backoff = options.backoff ?? defaultBackoff;
    this.silenceMs = options.silenceMs ?? 50_000;
    this.lingerMs = options.lingerMs ?? 5_000;
  }

  /** Listen to a project's events; returns the function that stops listening. */
  listen(projectId: string, listener: ProjectEventListener): () => void {
    let set = this.listeners.get(projectId);
    const first = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(projectId, set);
    }
    set.add(listener);
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (!this.socket && !this.retryTimer) this.connect();
    else if (first && this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'subscribe', project_id: projectId });
    listener.onState?.(this.stateOf(projectId));
    return () => this.unlisten(projectId, listener);
  }

  /** The state of one project's subscription. */
  stateOf(projectId: string): LiveState {
    if (this.live.has(projectId)) return 'live';
    return this.retryTimer ? 'offline' : 'connecting';
  }

  /** Close the socket and forget every listener (tests, sign-out). */
  reset(): void {
    this.listeners.clear();
    this.live.clear();
    this.teardown();
    this.attempt = 0;
  }

  private unlisten(projectId: string, listener: ProjectEventListener): void {
    const set = this.listeners.get(projectId);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(projectId);
    this.live.delete(projectId);
    if (this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'unsubscribe', project_id: projectId });
    if (this.listeners.size === 0) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        if (this.listeners.size === 0) this.teardown();
      }, this.lingerMs);
    }
  }

  private teardown(): void {
    for (const timer of [this.retryTimer, this.lingerTimer, this.silenceTimer]) if (timer) clearTimeout(timer);
    this.retryTimer = this.lingerTimer = this.silenceTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'done');
    }
  }

  private connect(): void {
    this.retryTimer = null;
    this.opened = false;
    this.notify('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.opened = true;
      this.heard();
      for (const projectId of this.listeners.keys()) this.send({ type: 'subscribe', project_id: projectId });
    };
    socket.onmessage = (message) => {
      this.heard();
      if (typeof message.data === 'string') this.handle(message.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // An expired access cookie refuses the handshake (the browser hides the 401) or ends the
      // connection with 4001: refresh the session before trying again.
      this.scheduleReconnect(event.code === CLOSE_CREDENTIALS || !this.opened, event.code === CLOSE_RATE_LIMITED);
    };
  }

  private scheduleReconnect(refresh: boolean, slow = false): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
    this.live.clear();
    if (this.listeners.size === 0) return;
    const delay = this.backoff(slow ? this.attempt + 3 : this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      if (!refresh) return this.connect();
      void refreshSession().finally(() => {
        if (this.retryTimer === null && this.listeners.size > 0 && !this.socket) this.connect();
      });
      this.retryTimer = null;
    }, delay);
    this.notify('offline');
  }

  /** Something arrived: the connection is alive. A silent socket is dead (e.g. a lost network). */
  private heard(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      const socket = this.socket;
      if (!socket) return;
      this.socket = null;
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(4000, 'silent');
      this.scheduleReconnect(false);
    }, this.silenceMs);
  }

  private handle(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const frame = message as { type?: unknown; project_id?: unknown; code?: unknown; event?: unknown; data?: unknown; at?: unknown };
    const projectId = typeof frame.project_id === 'string' ? frame.project_id : null;
    if (frame.type === 'subscribed' && projectId) {
      this.attempt = 0; // a working connection: the next drop starts the backoff afresh
      this.live.add(projectId);
      for (const listener of this.listenersOf(projectId)) {
        listener.onState?.('live');
        listener.onLive?.();
      }
    } else if (frame.type === 'event' && projectId && typeof frame.event === 'string') {
      const event: ProjectEvent = {
        event: frame.event,
        project_id: projectId,
        data: typeof frame.data === 'object' && frame.data !== null ? (frame.data as Record<string, unknown>) : {},
        at: typeof frame.at === 'string' ? frame.at : null,
      };
      for (const listener of this.listenersOf(projectId)) listener.onEvent(event);
    } else if ((frame.type === 'error' && frame.code === 'unavailable') || (frame.type === 'unsubscribed' && projectId && this.listeners.has(projectId))) {
      // The server cannot deliver events right now (or dropped us): retry the subscription later.
      if (!projectId) return;
      this.live.delete(projectId);
      for (const listener of this.listenersOf(projectId)) listener.onState?.('offline');
      setTimeout(() => {
        if (this.listeners.has(projectId) && this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'subscribe', project_id: projectId });
      }, this.backoff(2));
    }
  }

  private listenersOf(projectId: string): ProjectEventListener[] {
    return [...(this.listeners.get(projectId) ?? [])];
  }

  private notify(state: LiveState): void {
    for (const set of this.listeners.values()) for (const listener of set) listener.onState?.(state);
  }

  private send(message: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(message));
  }
}

/** The tab's one connection. */
export const projectEvents = new ProjectEvents();
