/**
 * `server.modelMiddleware()`: Express/connect middleware that gives each
 * HTTP request its own in-process model (`req.model`), acting for the
 * request's session, and closes it when the response is done.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Model } from '../model/model.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';

/** A request after the middleware ran: `model` is the request's in-process model. */
export type ModelRequest = IncomingMessage & { model: Model };

/** Express's and connect's `next`: no argument continues, an error goes to the error handlers. */
export type NextFunction = (error?: unknown) => void;

/**
 * The middleware, for `app.use()` or a route (Express, connect). It sets
 * `req.model`; give Express's `Request` a `model: Model` field (module
 * augmentation) to type it.
 */
export type ModelMiddleware = (request: IncomingMessage, response: ServerResponse, next: NextFunction) => void;

/** Options of `server.modelMiddleware()`. */
export interface ModelMiddlewareOptions {
  /**
   * The request's session (default: the server's `authenticate`, or `{}`
   * without one). Throw or reject to refuse the request: it goes to
   * `next(error)` with `error.status` 401.
   */
  readonly authenticate?: ((request: IncomingMessage) => Session | Promise<Session>) | undefined;
  /**
   * Subscribing only loads documents, without joining their rooms (default
   * true): a page render reads once, and the browser subscribes when it
   * resumes from the bundle. False keeps the model live for the request's
   * duration (a streamed response, say).
   */
  readonly fetchOnly?: boolean;
}

/** The error passed to `next` when a request's authentication is refused. */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  /** The HTTP status Express's error handler answers with. */
  readonly status = 401;
  /** The same, under the name connect and http-errors use. */
  readonly statusCode = 401;
}

/** Builds the middleware over a way to open a session's model. */
export function modelMiddleware(
  open: (session: Session, fetchOnly: boolean) => Model,
  options: ModelMiddlewareOptions & { readonly log: ServerLog },
): ModelMiddleware {
  const { authenticate, log, fetchOnly = true } = options;
  return (request, response, next) => {
    const start = async (): Promise<void> => {
      let session: Session;
      try {
        // A plain-JS authenticate returning nothing gets an empty session, as sockets do (never a trusted model).
        session = (authenticate ? await authenticate(request) : undefined) ?? {};
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log('warn', `request authentication refused (${reason})`);
        next(new UnauthorizedError(`yracer: authentication refused (${reason})`, { cause: error }));
        return;
      }
      // The client went away while authenticating: no model (its close event has passed).
      if (response.destroyed || response.writableEnded) return;
      let model: Model;
      try {
        model = open(session, fetchOnly);
      } catch (error) {
        next(error);
        return;
      }
      const close = (): void => model.close();
      response.once('finish', close);
      response.once('close', close);
      (request as ModelRequest).model = model;
      next();
    };
    void start();
  };
}
