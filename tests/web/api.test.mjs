// The API client's one error helper and its retry classification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createApi, isAbort, responseError } from '../../web/js/api.js';

const jsonError = (status, message, headers) =>
  new Response(JSON.stringify({ error: { code: 'x', message } }), { status, headers });

test('responseError keeps the server message and the status', async () => {
  const e = await responseError(jsonError(404, 'no such scan'));
  assert.ok(e instanceof ApiError);
  assert.equal(e.message, 'no such scan');
  assert.equal(e.status, 404);
  assert.equal(e.transient, false);
});

test('responseError names the status when the body is not an API error', async () => {
  assert.equal((await responseError(new Response('<html>bad gateway</html>', { status: 502 }))).message, 'HTTP 502');
  assert.equal((await responseError(new Response('{"error":{"message":7}}', { status: 400 }))).message, 'HTTP 400');
  assert.equal((await responseError(new Response('', { status: 500, statusText: 'Oops' }))).message, 'HTTP 500 Oops');
});

test('a 429 says when to retry', async () => {
  const e = await responseError(jsonError(429, 'too many scans', { 'Retry-After': '12' }));
  assert.equal(e.message, 'too many scans (retry after 12 s)');
  assert.equal(e.transient, true);
});

test('only network failures, 408, 429 and 5xx are transient', () => {
  for (const status of [0, 408, 429, 500, 502, 503, 504]) assert.equal(new ApiError('', status).transient, true, String(status));
  for (const status of [400, 401, 403, 404, 409, 413, 422]) assert.equal(new ApiError('', status).transient, false, String(status));
});

test('the client sends the token and throws ApiErrors', async () => {
  const calls = [];
  let answer = () => new Response('{"id":3}', { status: 202 });
  const api = createApi(() => 'plt_secret', async (path, opts) => { calls.push({ path, opts }); return answer(); });
  assert.deepEqual(await api.postJson('/api/v1/scans', { targets: 'x' }), { id: 3 });
  assert.equal(calls[0].opts.headers.Authorization, 'Bearer plt_secret');
  assert.equal(calls[0].opts.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].opts.body, '{"targets":"x"}');

  answer = () => jsonError(401, 'unknown token');
  await assert.rejects(api.json('/api/v1/scans'), (e) => e instanceof ApiError && e.status === 401 && e.message === 'unknown token');

  answer = () => { throw new TypeError('fetch failed'); };
  await assert.rejects(api.json('/api/v1/scans'), (e) => e.status === 0 && e.transient && /cannot be reached/.test(e.message));
});

test('no token, no Authorization header; an abort stays an abort', async () => {
  let seen;
  const api = createApi(() => '', async (path, opts) => {
    seen = opts.headers;
    throw new DOMException('aborted', 'AbortError');
  });
  await assert.rejects(api.json('/x'), (e) => isAbort(e));
  assert.equal(seen.Authorization, undefined);
});
