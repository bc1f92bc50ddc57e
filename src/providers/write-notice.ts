import type { Dispatcher } from 'undici';

/** Request options that may carry the hook: passed to `dispatcher.request` beside undici's own options. */
export interface WriteNoticeOptions {
  /** Called synchronously when a connection takes the request, right before its first byte is written. */
  onWritten?: (() => void) | undefined;
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Parameters<NonNullable<Handler['onRequestStart']>>[0];

/** Passes every event on, and tells `onWritten` when the request is about to be written. */
class WriteNoticeHandler implements Handler {
  constructor(
    private readonly handler: Handler,
    private onWritten: (() => void) | null,
  ) {}

  onRequestStart(controller: Controller, context: unknown): void {
    const notify = this.onWritten;
    this.onWritten = null; // a retried request (another connection) is one request to the account's limit
    notify?.();
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.handler.onRequestUpgrade?.(...args);
  }

  onResponseStart(...args: Parameters<NonNullable<Handler['onResponseStart']>>): void {
    this.handler.onResponseStart?.(...args);
  }

  onResponseData(...args: Parameters<NonNullable<Handler['onResponseData']>>): void {
    this.handler.onResponseData?.(...args);
  }

  onResponseEnd(...args: Parameters<NonNullable<Handler['onResponseEnd']>>): void {
    this.handler.onResponseEnd?.(...args);
  }

  onResponseError(...args: Parameters<NonNullable<Handler['onResponseError']>>): void {
    this.handler.onResponseError?.(...args);
  }
}

/**
 * The dispatcher with requests' `onWritten` hooks honoured. A request waits in undici's queue while a connection is
 * opened (a TLS handshake takes tens of milliseconds), so the moment `request()` is called is not the moment the
 * provider sees the request; a rate limit counted at the call would let a second's worth of requests arrive within
 * less than a second. The hook tells the account's limiter when the request really goes.
 */
export function withWriteNotice(dispatcher: Dispatcher): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => {
    const onWritten = (options as WriteNoticeOptions).onWritten;
    return dispatch(options, onWritten ? new WriteNoticeHandler(handler, onWritten) : handler);
  });
}

/** Request options with the hook attached (undici passes options it does not know on to interceptors). */
export function noticing(
  options: Dispatcher.RequestOptions,
  onWritten: (() => void) | undefined,
): Dispatcher.RequestOptions {
  if (!onWritten) return options;
  const withHook: Dispatcher.RequestOptions & WriteNoticeOptions = { ...options, onWritten };
  return withHook;
}
