// The API client: every call carries the token in the Authorization header (no cookies).
// Errors are ApiErrors made by ONE helper, responseError, with the server's own words
// ({"error":{"message":...}}), the HTTP status, and whether trying again can help.

export class ApiError extends Error {
  // status: the HTTP status, or 0 when the server could not be reached.
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }

  // Worth retrying after a pause: the network, a restart (5xx), a rate limit (429), a
  // timeout (408). A 401, 403, 404 or 400 answers the same way the next time.
  get transient() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

// A failed fetch Response -> ApiError. Reads the body (JSON error object or anything else).
export async function responseError(res) {
  let body;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = null;
  }
  const server = body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
  let message = server || 'HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : '');
  const retryAfter = res.headers.get('Retry-After');
  if (res.status === 429 && retryAfter) message += ' (retry after ' + retryAfter + ' s)';
  return new ApiError(message, res.status);
}

export function isAbort(error) {
  return error !== null && typeof error === 'object' && error.name === 'AbortError';
}

// getToken() -> '' or the API token; fetchImpl is injected by the tests.
export function createApi(getToken, fetchImpl = (...args) => fetch(...args)) {
  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const token = getToken();
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  // fetch that throws an ApiError for any answer but 2xx (an abort stays an AbortError).
  async function request(path, options) {
    const opts = Object.assign({}, options || {});
    opts.headers = headers(opts.headers);
    let res;
    try {
      res = await fetchImpl(path, opts);
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new ApiError('The server cannot be reached: ' + e.message, 0);
    }
    if (!res.ok) throw await responseError(res);
    return res;
  }

  // request + JSON body (null when empty).
  async function json(path, options) {
    const res = await request(path, options);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  function postJson(path, body, signal) {
    return json(path, {
      method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, signal,
    });
  }

  return { request, json, postJson };
}
