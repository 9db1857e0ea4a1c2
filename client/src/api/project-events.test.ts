import { ws } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { server } from '@/test/msw-server';
import { ProjectEvents, type LiveState, type ProjectEvent } from './project-events';

const URL_WS = `${window.location.origin.replace(/^http/, 'ws')}/api/v1/ws`;
const live = ws.link(URL_WS);
const P1 = '11111111-1111-4111-8111-111111111111';

let client: ProjectEvents | null = null;
afterEach(() => client?.reset());

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A server speaking the /api/v1/ws protocol: confirms subscriptions, records what clients sent. */
function protocolServer() {
  const received: Record<string, unknown>[] = [];
  const clients: { send: (data: string) => void; close: (code?: number, reason?: string) => void }[] = [];
  server.use(
    live.addEventListener('connection', ({ client: c }) => {
      clients.push(c);
      c.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data)) as Record<string, unknown>;
        received.push(message);
        if (message.type === 'subscribe') c.send(JSON.stringify({ type: 'subscribed', project_id: message.project_id }));
      });
    }),
  );
  return { received, clients };
}

const event = (name: string, data: Record<string, unknown>) => JSON.stringify({ type: 'event', event: name, project_id: P1, data, at: '2026-01-01T00:00:00Z' });

describe('ProjectEvents', () => {
  it('subscribes on connect, delivers events, and re-subscribes after a drop (onLive each time, to catch up)', async () => {
    const srv = protocolServer();
    client = new ProjectEvents({ url: () => URL_WS, backoff: () => 20, lingerMs: 0 });
    const events: ProjectEvent[] = [];
    const states: LiveState[] = [];
    let lives = 0;
    const stop = client.listen(P1, { onEvent: (e) => events.push(e), onLive: () => (lives += 1), onState: (s) => states.push(s) });

    await until(() => lives === 1, 'the first subscription');
    expect(srv.received).toEqual([{ type: 'subscribe', project_id: P1 }]);
    expect(client.stateOf(P1)).toBe('live');

    srv.clients[0]!.send(event('dataset.import.progress', { import_id: 'i1', rows_done: 5 }));
    srv.clients[0]!.send(JSON.stringify({ type: 'ping', at: 'x' }));
    await until(() => events.length === 1, 'an event');
    expect(events[0]).toMatchObject({ event: 'dataset.import.progress', project_id: P1, data: { import_id: 'i1', rows_done: 5 } });

    // The server goes away: the client reconnects by itself and subscribes again.
    srv.clients[0]!.close(1001, 'restart');
    await until(() => lives === 2, 'the re-subscription after the drop');
    expect(srv.clients).toHaveLength(2);
    expect(srv.received.filter((m) => m.type === 'subscribe')).toHaveLength(2);
    expect(states).toContain('offline');
    expect(states.at(-1)).toBe('live');

    srv.clients[1]!.send(event('dataset.import.completed', { import_id: 'i1', version: 3 }));
    await until(() => events.length === 2, 'an event on the new connection');
    stop();
  });

  it('shares one socket between listeners and projects, and unsubscribes a project nobody listens to', async () => {
    const srv = protocolServer();
    client = new ProjectEvents({ url: () => URL_WS, backoff: () => 20, lingerMs: 10_000 });
    const P2 = '22222222-2222-4222-8222-222222222222';
    const a: string[] = [];
    const b: string[] = [];
    const stopA = client.listen(P1, { onEvent: (e) => a.push(e.event) });
    const stopB = client.listen(P1, { onEvent: (e) => b.push(e.event) });
    const stopC = client.listen(P2, { onEvent: () => {} });
    await until(() => srv.received.length === 2, 'two subscriptions');
    expect(srv.clients).toHaveLength(1);
    srv.clients[0]!.send(event('label.moved', {}));
    await until(() => a.length === 1 && b.length === 1, 'the event at both listeners');
    stopA();
    stopB();
    await until(() => srv.received.length === 3, 'the unsubscribe');
    expect(srv.received[2]).toEqual({ type: 'unsubscribe', project_id: P1 });
    stopC();
  });
});
