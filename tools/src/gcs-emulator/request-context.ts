import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FaultInjector } from './faults';
import type { ObjectStore } from './object-store';
import type { UploadSessions } from './upload-sessions';

/** The emulator's long-lived parts, shared by all requests. */
export interface EmulatorServices {
  store: ObjectStore;
  sessions: UploadSessions;
  faults: FaultInjector;
}

/** One request as the handlers see it. */
export interface RequestContext extends EmulatorServices {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body, already being consumed (see `captureRequestBody`). */
  body: Readable;
  /** `http://host:port` as the client addressed the emulator; used for absolute URLs. */
  origin: string;
}
