import type { Readable } from 'node:stream';
import { z } from 'zod';
import { badRequest, GcsApiError } from './errors';
import { INJECTED_STATUSES, type FaultInjector, type PendingFaults } from './faults';
import { readJsonBody } from './request-body';
import { ROUTE_KINDS } from './route';

const count = z.number().int().positive().optional();

/**
 * `POST /_emulator/faults` bodies: the HTTP form of `GcsEmulatorFaults`, for tests that
 * run the emulator in another process.
 *
 *   {"type":"fail","status":503,"count":2,"method":"PUT","kind":"uploads.put"}
 *   {"type":"corruptHash","count":1}
 *   {"type":"cutConnection","count":1,"afterBytes":65536}
 *   {"type":"delay","ms":200}
 *
 * `GET` answers the pending faults, `DELETE` resets them.
 */
const faultRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('fail'),
    status: z.literal(INJECTED_STATUSES).optional(),
    count,
    method: z.string().optional(),
    kind: z.enum(ROUTE_KINDS).optional(),
  }),
  z.object({ type: z.literal('corruptHash'), count }),
  z.object({ type: z.literal('cutConnection'), count, afterBytes: z.number().int().positive().optional() }),
  z.object({ type: z.literal('delay'), ms: z.number().nonnegative() }),
]);

export type FaultRequest = z.infer<typeof faultRequestSchema>;

function applyFaultRequest(faults: FaultInjector, request: FaultRequest): void {
  switch (request.type) {
    case 'fail':
      return faults.failNextRequests(request);
    case 'corruptHash':
      return faults.corruptNextUploadHashes(request.count);
    case 'cutConnection':
      return faults.cutNextUploads(request);
    case 'delay':
      return faults.setResponseDelay(request.ms);
  }
}

/** Serves the control endpoint; answers the pending faults after the change. */
export async function handleFaultControl(
  method: string,
  body: Readable,
  faults: FaultInjector,
): Promise<PendingFaults> {
  switch (method) {
    case 'GET':
      break;
    case 'DELETE':
      faults.reset();
      break;
    case 'POST': {
      const parsed = faultRequestSchema.safeParse(await readJsonBody(body));
      if (!parsed.success) throw badRequest(`Invalid fault: ${z.prettifyError(parsed.error)}`);
      applyFaultRequest(faults, parsed.data);
      break;
    }
    default:
      throw new GcsApiError(405, 'methodNotAllowed', `${method} is not supported on the fault endpoint`);
  }
  return faults.pending();
}
