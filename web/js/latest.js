// The stale-response guard. A view (one scan, one diff) starts its requests with a ticket
// from next(); starting another view aborts the previous ticket's requests and makes its
// current() false, so an answer that arrives after the user moved on is dropped instead of
// drawing the wrong scan.
export class LatestOnly {
  constructor() {
    this.generation = 0;
    this.controller = null;
  }

  next() {
    if (this.controller) this.controller.abort();
    const generation = ++this.generation;
    const controller = new AbortController();
    this.controller = controller;
    return { signal: controller.signal, current: () => generation === this.generation };
  }

  // Nothing is current any more (the user left the view).
  cancel() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.generation++;
  }
}
