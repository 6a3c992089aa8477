import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { IngestServices } from './ingest-services';
import { nativeApiRouter } from './native-api';
import { requestMetrics } from './request-metrics';
import { restProxyRouter } from './rest-proxy-api';

/** The ingest HTTP application: the native API and the REST Proxy v2 API on one express app. */
export function createIngestApp(services: IngestServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (services.metrics) app.use(requestMetrics(services.metrics));
  app.use(nativeApiRouter(services));
  app.use(restProxyRouter(services));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no such endpoint: ${req.method} ${req.path}`, error_code: 404, message: 'HTTP 404 Not Found' });
  });
  // Errors express raises itself, e.g. a malformed percent-encoding in the path (400).
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message, error_code: status, message: (error as Error).message });
      return;
    }
    services.logger?.error({ err: error }, 'request failed');
    res.status(500).json({ error: 'internal error', error_code: 500, message: 'Internal Server Error' });
  });
  return app;
}
