import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultHit } from './fault-board.js';
import type { RequestFaultKind } from './fault-spec.js';

/** Answers a request: a status and a JSON body, in the provider's shape. */
export type Respond = (status: number, body: object) => void;

/** How an emulator sends an answer (LINE adds its request ID header, for one). */
export type SendAnswer = (reply: FastifyReply, status: number, body: object) => void;

/** What the provider answers instead of taking the message. */
export interface Refusal {
  status: number;
  body: object;
}

/** A request under a `timeout` fault gets no answer; its connection is dropped after this long at most. */
export const UNANSWERED_HOLD_MS = 60_000;

/**
 * Serves the requests of one emulator under request faults and latency. With neither, the handler answers at once
 * through `send`, as it always did. Connections kept waiting (unanswered, slow or late answers) are tracked so that
 * close() drops them instead of waiting for them.
 */
export class FaultedAnswers {
  private readonly waiting = new Map<NodeJS.Timeout, Socket>();

  constructor(
    app: FastifyInstance,
    private readonly send: SendAnswer,
    private readonly refusals: Partial<Record<RequestFaultKind, Refusal>>,
  ) {
    app.addHook('preClose', (done) => {
      for (const [timer, socket] of this.waiting) {
        clearTimeout(timer);
        socket.destroy();
      }
      this.waiting.clear();
      done();
    });
  }

  /**
   * Runs `handle`, which answers through the Respond it is given, under `fault` and `latencyMs`:
   * refusals and resets never run it (the message is not taken); timeout runs it and drops its answer.
   */
  serve(
    req: FastifyRequest,
    reply: FastifyReply,
    fault: FaultHit<RequestFaultKind> | undefined,
    latencyMs: number,
    handle: (respond: Respond) => void,
  ): void {
    if (fault === undefined && latencyMs === 0) {
      handle((status, body) => this.send(reply, status, body));
      return;
    }
    const socket = req.raw.socket;
    const answerLate = (delayMs: number): Respond => {
      return (status, body) => this.later(socket, delayMs, () => this.send(reply, status, body));
    };
    if (fault === undefined) {
      handle(answerLate(latencyMs));
      return;
    }
    switch (fault.kind) {
      case 'slow':
        handle(answerLate(latencyMs + fault.delayMs));
        return;
      case 'timeout':
        // Taken as usual, but the client waits until it gives up.
        reply.hijack();
        this.later(socket, UNANSWERED_HOLD_MS, () => socket.destroy());
        handle(() => undefined);
        return;
      case 'reset':
        this.later(socket, latencyMs, () => {
          reply.hijack();
          // An RST rather than a FIN: the client sees ECONNRESET, as when a load balancer drops the connection.
          socket.resetAndDestroy();
        });
        return;
      default: {
        const refusal = this.refusals[fault.kind];
        if (refusal === undefined) throw new Error(`no answer for fault ${fault.kind}`);
        this.later(socket, latencyMs, () => this.send(reply, refusal.status, refusal.body));
      }
    }
  }

  /** Runs `fn` after `ms` unless the client closed the connection meanwhile. */
  private later(socket: Socket, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const gone = () => {
      clearTimeout(timer);
      this.waiting.delete(timer);
    };
    const timer = setTimeout(() => {
      socket.off('close', gone);
      this.waiting.delete(timer);
      fn();
    }, ms);
    this.waiting.set(timer, socket);
    socket.once('close', gone);
  }
}
