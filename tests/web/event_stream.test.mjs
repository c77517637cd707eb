// The SSE parser against the WHATWG rules ("Interpreting an event stream").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamParser, readEventStream } from '../../web/js/event_stream.js';

function parse(chunks) {
  const events = [];
  const parser = new EventStreamParser((e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return { events, parser };
}

test('LF, CRLF and CR all end lines, also when split across chunks', () => {
  for (const chunks of [
    ['event: port\ndata: 1\nid: 7\n\n'],
    ['event: port\r\ndata: 1\r\nid: 7\r\n\r\n'],
    ['event: port\rdata: 1\rid: 7\r\r'],
    ['event: po', 'rt\r', '\ndata: 1\r', '\nid: 7\r', '\n\r', '\n'],
    ['event: port\r', 'data: 1\r', 'id: 7\r', '\r'],
  ]) {
    const { events, parser } = parse(chunks);
    assert.deepEqual(events, [{ type: 'port', data: '1', lastEventId: '7' }], JSON.stringify(chunks));
    assert.equal(parser.lastEventId, '7');
  }
});

test('a CR at the end of a chunk does not swallow a blank line that follows', () => {
  // "data: a\r" then "\n\n": CRLF ends the data line, the next LF dispatches.
  const { events } = parse(['data: a\r', '\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['a']);
});

test('multi-line data joins with LF; the default type is message', () => {
  const { events } = parse(['data: first\ndata:second\ndata\ndata:  two spaces\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'first\nsecond\n\n two spaces', lastEventId: '' }]);
});

test('comments, unknown fields and a leading BOM are ignored', () => {
  const { events } = parse(['\ufeff: heartbeat\nfoo: bar\ndata: x\n\n', ':\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'x', lastEventId: '' }]);
});

test('only the first BOM is dropped', () => {
  const { events } = parse(['\ufeffdata: a\n\n', '\ufeffdata: b\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['a']);  // the second line's field is "\ufeffdata"
});

test('an event without data is not dispatched but its id is kept', () => {
  const { events, parser } = parse(['id: 41\n\nevent: progress\n\ndata: y\n\n']);
  assert.deepEqual(events, [{ type: 'message', data: 'y', lastEventId: '41' }]);
  assert.equal(parser.lastEventId, '41');
});

test('the event type does not carry over to the next event; the id does', () => {
  const { events } = parse(['event: end\nid: 3\ndata: a\n\ndata: b\n\n']);
  assert.deepEqual(events, [
    { type: 'end', data: 'a', lastEventId: '3' },
    { type: 'message', data: 'b', lastEventId: '3' },
  ]);
});

test('id with NUL is ignored; an empty id resets it', () => {
  const { events } = parse(['id: 5\ndata: a\n\nid: 6\0x\ndata: b\n\nid\ndata: c\n\n']);
  assert.deepEqual(events.map((e) => e.lastEventId), ['5', '5', '']);
});

test('retry takes ASCII digits only', () => {
  assert.equal(parse(['retry: 2500\n\n']).parser.retry, 2500);
  assert.equal(parse(['retry: 2.5\n\n']).parser.retry, null);
  assert.equal(parse(['retry: -1\n\nretry:\n\n']).parser.retry, null);
  assert.equal(parse(['retry: 300\nretry: x\n\n']).parser.retry, 300);
});

test('a final event without its blank line is not dispatched', () => {
  const { events } = parse(['data: done\n\ndata: half', '\n']);
  assert.deepEqual(events.map((e) => e.data), ['done']);
});

test('the field name is everything before the first colon', () => {
  const { events } = parse(['data: a: b\nevent:x:y\n\n']);
  assert.deepEqual(events, [{ type: 'x:y', data: 'a: b', lastEventId: '' }]);
});

test('stop() drops the rest of the chunk and ends reading', async () => {
  const events = [];
  const parser = new EventStreamParser((e) => { events.push(e.data); if (e.type === 'end') parser.stop(); });
  const bytes = new TextEncoder().encode('\ufeffdata: 1\n\nevent: end\ndata: 2\n\ndata: 3\n\n');
  let pulls = 0;
  // A stream cut inside a multi-byte character and never closed by the server: reading stops
  // at the end event anyway.
  const body = new ReadableStream({
    pull(controller) {
      if (pulls === 0) controller.enqueue(bytes.slice(0, 5));
      else if (pulls === 1) controller.enqueue(bytes.slice(5));
      pulls++;
    },
  });
  await readEventStream(body, parser);
  assert.deepEqual(events, ['1', '2']);
});

test('readEventStream decodes UTF-8 split across chunks', async () => {
  const events = [];
  const parser = new EventStreamParser((e) => events.push(e.data));
  const bytes = new TextEncoder().encode('data: h\u00e9llo \u2192\n\n');
  const body = new ReadableStream({
    start(controller) {
      for (const b of bytes) controller.enqueue(new Uint8Array([b]));
      controller.close();
    },
  });
  await readEventStream(body, parser);
  assert.deepEqual(events, ['h\u00e9llo \u2192']);
});
