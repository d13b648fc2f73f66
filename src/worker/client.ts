// The caller's end of a worker of the library's script (src/worker/host.ts), shared by a
// WorkerTrainer and a search's TrialWorker: how a worker is started here, requests numbered so that
// each answer finds its request, the worker kept from holding a Node process open while idle, and
// a failure (or terminate()) rejecting every request in flight and every one after.
import { BackpropError, DivergenceError, fail, show } from '../errors.js';
import type { ErrorInfo, FromWorker, Port, ToWorker } from './protocol.js';

/** The worker's end as the caller sees it; src/browser.ts and src/node.ts make one from a Worker. */
export interface WorkerEndpoint extends Port<FromWorker, ToWorker> {
  /** Called with any error that kills the worker (e.g. its script could not be loaded). */
  onFailure(handler: (error: Error) => void): void;
  /** Node: whether the worker should keep the process alive (only while a request runs). */
  busy?(busy: boolean): void;
  terminate(): unknown;
}

/** Starts a worker: from `url`, or from the worker script beside the library's entry. */
export type WorkerFactory = (url?: string | URL) => WorkerEndpoint;

let defaultFactory: WorkerFactory | undefined;

/** Set by each entry (src/browser.ts, src/node.ts): how a worker is started there. Returns the one it replaces. */
export function setDefaultWorker(factory: WorkerFactory): WorkerFactory | undefined {
  const previous = defaultFactory;
  defaultFactory = factory;
  return previous;
}

/** `workerUrl` as an option (WorkerTrainer's, a search's): a URL or a string, or left out. */
export function checkWorkerUrl(field: string, url: unknown): string | URL | undefined {
  if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) fail(field, `expected the worker script's URL (a URL or a string), got ${show(url)}`);
  return url;
}

/** A request in flight: how to fail it (the client's user settles it otherwise, from the worker's answers). */
export interface Request {
  reject: (e: unknown) => void;
}

export class WorkerClient<R extends Request> {
  private readonly endpoint: WorkerEndpoint;
  private nextId = 0;
  private readonly pending = new Map<number, R>();
  private failure: Error | undefined;

  /** Starts a worker from `url` (or the one beside the library's entry); `receive` gets each answer to a request in flight, with that request. */
  constructor(url: string | URL | undefined, receive: (message: FromWorker, request: R) => void) {
    if (!defaultFactory) throw new Error('WorkerTrainer: import it from the library entry (backprop-wasm), which knows how to start a worker here');
    this.endpoint = defaultFactory(url);
    this.endpoint.listen((message) => {
      const request = this.pending.get(message.id);
      if (request) receive(message, request);
    });
    this.endpoint.onFailure((error) => this.fail(error));
    this.endpoint.busy?.(false);
  }

  /** Why the worker has ended (terminate(), or it failed), if it has: every request is then rejected with it. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Sends a request: `make` gets its id and the promise's settlers, and gives the message to post and
   * the request to keep until done(id). Rejects with the failure if the worker has ended.
   */
  request<T>(make: (id: number, resolve: (value: T) => void, reject: (e: unknown) => void) => { message: ToWorker; request: R }): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const { message, request } = make(id, resolve, reject);
      this.pending.set(id, request);
      this.endpoint.busy?.(true);
      this.endpoint.post(message);
    });
  }

  /** Request `id` has had its last answer: no further answer reaches it, nor a failure. */
  done(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.endpoint.busy?.(false);
  }

  /** Posts a message that is no request (an init, a stop), unless the worker has ended. */
  post(message: ToWorker): void {
    if (!this.failure) this.endpoint.post(message);
  }

  /** Ends the worker; a request in flight is rejected with `Error(reason)`. */
  async terminate(reason: string): Promise<void> {
    this.fail(new Error(reason));
    await this.endpoint.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

/** The worker's error as the class it was raised as in the worker (a fit's, in this thread). */
export function rebuild(e: ErrorInfo): Error {
  if (e.name === 'BackpropError' && e.field !== undefined) return new BackpropError(e.field, e.message.slice(e.field.length + 2));
  if (e.name === 'DivergenceError') return new DivergenceError(e.epoch!, e.row!, e.reason!, e.advice);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
