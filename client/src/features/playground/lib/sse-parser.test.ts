import { describe, expect, it } from 'vitest';
import { readSse, SseParser, type SseEvent } from './sse-parser';

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

function byteStream(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

const WIRE = 'event: start\ndata: {"id":"r1","model":"m"}\n\nevent: delta\ndata: {"text":"Hel"}\n\nevent: delta\ndata: {"text":"lo"}\n\nevent: run\ndata: {"id":"r1","status":"completed"}\n\n';

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    expect(parseChunks([WIRE])).toEqual([
      { event: 'start', data: '{"id":"r1","model":"m"}' },
      { event: 'delta', data: '{"text":"Hel"}' },
      { event: 'delta', data: '{"text":"lo"}' },
      { event: 'run', data: '{"id":"r1","status":"completed"}' },
    ]);
  });

  it('gives the same events however the stream is split, one character at a time included', () => {
    const whole = parseChunks([WIRE]);
    expect(parseChunks(WIRE.split(''))).toEqual(whole);
    for (let cut = 1; cut < WIRE.length; cut += 7) expect(parseChunks([WIRE.slice(0, cut), WIRE.slice(cut)])).toEqual(whole);
  });

  it('accepts CRLF and CR line endings, also when "\\r\\n" is split across chunks', () => {
    expect(parseChunks(['event: delta\r\ndata: a\r', '\n\r', '\ndata: b\r\rdata: c\n\n'])).toEqual([
      { event: 'delta', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('joins multi-line data, ignores comments and unknown fields, keeps ids, drops an unterminated last event', () => {
    expect(parseChunks([': keep-alive\n\nid: 7\nretry: 100\nfoo: bar\ndata: line 1\ndata:line 2\ndata\n\nevent: delta\ndata: cut off'])).toEqual([
      { event: 'message', data: 'line 1\nline 2\n', id: '7' },
    ]);
  });

  it('dispatches nothing for an event without data', () => {
    expect(parseChunks(['event: ping\n\n'])).toEqual([]);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 characters split across network chunks', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"héllo – 日本"}\n\n');
    const chunks = [bytes.slice(0, 22), bytes.slice(22, 23), bytes.slice(23, 31), bytes.slice(31)];
    const events: SseEvent[] = [];
    for await (const event of readSse(byteStream(chunks))) events.push(event);
    expect(events).toEqual([{ event: 'delta', data: '{"text":"héllo – 日本"}' }]);
    expect(JSON.parse(events[0]!.data)).toEqual({ text: 'héllo – 日本' });
  });

  it('yields events as they arrive and cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('event: delta\ndata: {"text":"x"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    let seen = 0;
    for await (const event of readSse(body)) {
      expect(event.event).toBe('delta');
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(cancelled).toBe(true);
  });
});
