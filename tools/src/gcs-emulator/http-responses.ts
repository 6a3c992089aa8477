import type { ServerResponse } from 'node:http';
import type { GcsApiError } from './errors';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(payload.length),
  });
  res.end(payload);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

export function sendError(res: ServerResponse, error: GcsApiError): void {
  // HTTP forbids a body on 304.
  if (error.status === 304) return sendEmpty(res, 304, error.headers);
  sendJson(res, error.status, error, error.headers);
}
