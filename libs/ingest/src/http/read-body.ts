import express, { type Request, type Response } from 'express';
import { bodyReadError } from './body-errors';

/**
 * Reads the whole request body as bytes (gzip and deflate bodies inflated),
 * at most `maxBodyBytes` of it; more is a 413 `IngestRequestError`. Used
 * after the checks that need no body, so a refused request is not read.
 */
export function bodyReader(maxBodyBytes: number): (req: Request, res: Response) => Promise<Buffer> {
  const parse = express.raw({ type: () => true, limit: maxBodyBytes });
  return (req, res) =>
    new Promise<Buffer>((resolve, reject) => {
      parse(req, res, (error?: unknown) => {
        if (error) reject(bodyReadError(error, maxBodyBytes) ?? error);
        else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      });
    });
}
