import type { IncomingMessage } from 'node:http';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { badRequest } from './errors';

/** The request body was cut on purpose by a connection-cut fault. */
export class ConnectionCutError extends Error {
  constructor(readonly afterBytes: number) {
    super(`Connection cut by fault injection after ${afterBytes} bytes of the body`);
    this.name = 'ConnectionCutError';
  }
}

const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Starts consuming the request body immediately, before the handler awaits anything else.
 * A handler that first awaits other I/O and only then attaches listeners can miss the
 * body's `end`, and the client (simple uploads have no timeout) waits forever.
 * Abort or error of the request surfaces as an error of the returned stream.
 *
 * With `cutAfterBytes`, the socket is destroyed once that many body bytes arrived (or at the
 * end of a shorter body), so the handler never sees a complete body.
 */
export function captureRequestBody(req: IncomingMessage, cutAfterBytes?: number): Readable {
  const body = new PassThrough();
  const stages: NodeJS.ReadWriteStream[] = cutAfterBytes === undefined ? [] : [connectionCutter(req, cutAfterBytes)];
  // Errors reach `body` through pipeline's destroy; the promise itself carries nothing more.
  pipeline([req, ...stages, body]).catch(() => undefined);
  return body;
}

function connectionCutter(req: IncomingMessage, afterBytes: number): Transform {
  let received = 0;
  const cut = (callback: TransformCallback): void => {
    req.socket.destroy();
    callback(new ConnectionCutError(afterBytes));
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received >= afterBytes) return cut(callback);
      callback(null, chunk);
    },
    flush: cut,
  });
}

/** Reads a small JSON body; an empty body reads as `undefined`. */
export async function readJsonBody(body: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY_BYTES) throw badRequest('JSON body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
}

/** Reads and drops whatever is left of a body, so the client finishes sending before it gets an answer. */
export async function discardBody(body: Readable): Promise<void> {
  body.resume();
  await finished(body).catch(() => undefined);
}
