/**
 * A server-sent events parser (the text/event-stream format of the HTML spec) for streams read
 * with fetch: chunks may split anywhere — inside a line, between "\r" and "\n", inside a UTF-8
 * character — so bytes are decoded in streaming mode and only complete lines are interpreted.
 */

export interface SseEvent {
  /** `message` when the event had no `event:` field. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  id?: string;
}

/** Incremental parser: `push` text as it arrives, `end` when the stream closes. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private sawData = false;
  // A chunk ending in "\r" may be half of "\r\n": drop a "\n" that starts the next chunk.
  private skipLeadingLf = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream closed: a last event without its blank line is incomplete and dropped (per spec). */
  end(): void {
    this.buffer = '';
    this.reset();
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') {
      this.data.push(value);
      this.sawData = true;
    } else if (field === 'id' && !value.includes('\0')) this.id = value;
    // `retry` and unknown fields are ignored: this client does not reconnect.
  }

  private dispatch(): void {
    if (this.sawData) this.onEvent({ event: this.event || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) });
    this.reset();
  }

  private reset(): void {
    this.event = '';
    this.data = [];
    this.sawData = false;
  }
}

/** Every event of a byte stream, in order (an async iterator over a fetch Response body). */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  const queue: SseEvent[] = [];
  const parser = new SseParser((event) => queue.push(event));
  try {
    while (true) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
      const { done, value } = await reader.read();
      if (done) {
        parser.push(decoder.decode());
        parser.end();
        yield* queue.splice(0);
        return;
      }
      parser.push(decoder.decode(value, { stream: true }));
      yield* queue.splice(0);
    }
  } finally {
    // Leaving early (break, abort, error) cancels the body so the server sees the disconnect.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
