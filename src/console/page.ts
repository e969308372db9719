// What every console page shares: the refusal a route throws and the render function it is given.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operator } from './session';

/** A console page that refuses: the HTTP status and the sentence shown. */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Renders a page with the layout's data (messages, helpers, the CSRF token when a form is on it). */
export type Render = (req: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown>, operator?: Operator) => unknown;
