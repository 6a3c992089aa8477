/** An answer as a test looks at it. */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP request with fetch; the body is parsed as JSON when it is JSON. */
export async function request<T = unknown>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer<T>> {
  const response = await fetch(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: init.headers, body: init.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** POST of native API events as JSON. */
export function postEvents<T = unknown>(baseUrl: string, topic: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  return request<T>(`${baseUrl}/v1/topics/${encodeURIComponent(topic)}/events`, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The native API's successful answer. */
export interface NativeAnswer {
  results: Array<{ id: string; status: 'kafka' | 'failover' | 'not-accepted'; partition?: number; offset?: number; reason?: string }>;
  notAccepted?: Array<{ index: number; id: string; reason: string }>;
  error?: string;
  code?: string;
  problems?: Array<{ index?: number; id?: string; field?: string; message: string }>;
}
