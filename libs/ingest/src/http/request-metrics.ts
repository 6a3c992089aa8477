import type { NextFunction, Request, Response } from 'express';
import type { IngestMetrics } from '../metrics/ingest-metrics';

/** Counts every answer by route and status and times it; the route is what the handler put in `res.locals.route`. */
export function requestMetrics(metrics: IngestMetrics) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = typeof res.locals['route'] === 'string' ? res.locals['route'] : 'other';
      metrics.requests.inc({ route, status: String(res.statusCode) });
      metrics.requestDuration.observe({ route }, (performance.now() - started) / 1000);
    });
    next();
  };
}
