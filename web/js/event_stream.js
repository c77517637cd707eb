// Server-Sent Events, parsed as the WHATWG HTML standard says ("Interpreting an event
// stream", https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end with
// CRLF, LF or CR (also split across chunks); a leading BOM is dropped; ':' starts a comment;
// `data:` lines join with LF; `event:`, `id:` (ignored when it holds NUL), `retry:` (digits
// only); one space after the colon is dropped; a blank line dispatches; an event still open
// when the stream ends is discarded. The page reads the stream with fetch() because
// EventSource cannot send the Authorization header, so it needs its own parser.

export class EventStreamParser {
  // onEvent({type, data, lastEventId}) is called for every dispatched event.
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.lastEventId = '';   // kept across reconnections (the ?after= of the next request)
    this.retry = null;       // reconnection time in ms the server asked for, or null
    this.buffer = '';
    this.started = false;    // the BOM check happens once, on the first character
    this.skipLineFeed = false;  // the previous chunk ended in CR: a leading LF belongs to it
    this.stopped = false;       // stop() was called: nothing more is dispatched
    this.resetEvent();
  }

  resetEvent() {
    this.data = '';
    this.eventType = '';
    this.idBuffer = this.lastEventId;
  }

  // The reader wants nothing more (its last event was the final one): later lines, also
  // of the chunk being fed, are dropped and readEventStream stops reading.
  stop() {
    this.stopped = true;
  }

  // A decoded chunk of the stream (any size, cut anywhere).
  feed(text) {
    if (this.stopped) return;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLineFeed && text.length > 0) {
      this.skipLineFeed = false;
      if (text[0] === '\n') text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    while (!this.stopped) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr < 0 && lf < 0) break;
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      const line = this.buffer.slice(start, end);
      start = end + 1;
      if (this.buffer[end] === '\r') {
        if (start === this.buffer.length) this.skipLineFeed = true;
        else if (this.buffer[start] === '\n') start++;
      }
      this.processLine(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  // The stream ended: an event without its blank line is not dispatched.
  end() {
    this.buffer = '';
    this.skipLineFeed = false;
    this.resetEvent();
  }

  processLine(line) {
    if (line === '') { this.dispatch(); return; }
    if (line[0] === ':') return;  // comment (the server's heartbeats)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.data += value + '\n';
    else if (field === 'id') { if (!value.includes('\0')) this.idBuffer = value; }
    else if (field === 'retry') { if (/^[0-9]+$/.test(value)) this.retry = Number(value); }
  }

  dispatch() {
    this.lastEventId = this.idBuffer;
    if (this.data === '') { this.resetEvent(); return; }
    const event = { type: this.eventType || 'message', data: this.data.slice(0, -1), lastEventId: this.lastEventId };
    this.resetEvent();
    this.onEvent(event);
  }
}

// Reads a fetch() body (a ReadableStream of UTF-8 bytes) into `parser` until it ends or the
// parser is stopped. Throws what the reader throws (an AbortError once the signal of the
// fetch fires).
export async function readEventStream(body, parser) {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });  // the parser drops the BOM
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
    if (parser.stopped) {
      await reader.cancel().catch(() => {});
      return;
    }
  }
  parser.feed(decoder.decode());
  parser.end();
}
