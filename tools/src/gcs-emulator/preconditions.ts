import { badRequest, notModified, preconditionFailed } from './errors';

/** The generation/metageneration conditions a request may carry as query parameters. */
export interface Preconditions {
  ifGenerationMatch?: bigint;
  ifGenerationNotMatch?: bigint;
  ifMetagenerationMatch?: bigint;
  ifMetagenerationNotMatch?: bigint;
}

/** What a precondition is checked against: the object's current versions, if it exists. */
export interface ObjectVersion {
  generation: string;
  metageneration: string;
}

const PRECONDITION_PARAMS = [
  'ifGenerationMatch',
  'ifGenerationNotMatch',
  'ifMetagenerationMatch',
  'ifMetagenerationNotMatch',
] as const;

export function readPreconditions(query: URLSearchParams): Preconditions {
  const preconditions: Preconditions = {};
  for (const param of PRECONDITION_PARAMS) {
    const raw = query.get(param);
    if (raw === null) continue;
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value for ${param}: ${raw}`);
    preconditions[param] = BigInt(raw);
  }
  return preconditions;
}

/**
 * Throws 412 when `current` (undefined: no live object) fails a condition.
 * `ifGenerationMatch: 0` means "only if no live object exists", and
 * `ifGenerationNotMatch: 0` means "only if one does".
 */
export function assertPreconditions(preconditions: Preconditions, current: ObjectVersion | undefined): void {
  const generation = current === undefined ? 0n : BigInt(current.generation);
  const { ifGenerationMatch, ifGenerationNotMatch, ifMetagenerationMatch, ifMetagenerationNotMatch } = preconditions;
  if (ifGenerationMatch !== undefined && ifGenerationMatch !== generation) {
    throw preconditionFailed(`ifGenerationMatch=${ifGenerationMatch} but the live generation is ${generation}`);
  }
  if (ifGenerationNotMatch !== undefined && ifGenerationNotMatch === generation) {
    throw preconditionFailed(`ifGenerationNotMatch=${ifGenerationNotMatch} matches the live generation`);
  }
  if (ifMetagenerationMatch === undefined && ifMetagenerationNotMatch === undefined) return;
  if (current === undefined) {
    throw preconditionFailed('A metageneration condition was given but the object does not exist');
  }
  const metageneration = BigInt(current.metageneration);
  if (ifMetagenerationMatch !== undefined && ifMetagenerationMatch !== metageneration) {
    throw preconditionFailed(
      `ifMetagenerationMatch=${ifMetagenerationMatch} but the metageneration is ${metageneration}`,
    );
  }
  if (ifMetagenerationNotMatch !== undefined && ifMetagenerationNotMatch === metageneration) {
    throw preconditionFailed(`ifMetagenerationNotMatch=${ifMetagenerationNotMatch} matches the metageneration`);
  }
}

/**
 * The conditions of a read (metadata or media GET): a failing `…Match` is 412 as for a
 * write, but a failing `…NotMatch` means "the object is still the one I have", which GCS
 * answers with 304 Not Modified.
 */
export function assertReadPreconditions(preconditions: Preconditions, current: ObjectVersion): void {
  const { ifGenerationNotMatch, ifMetagenerationNotMatch, ...matches } = preconditions;
  assertPreconditions(matches, current);
  if (ifGenerationNotMatch === BigInt(current.generation)) {
    throw notModified(`ifGenerationNotMatch=${ifGenerationNotMatch} matches the live generation`);
  }
  if (ifMetagenerationNotMatch === BigInt(current.metageneration)) {
    throw notModified(`ifMetagenerationNotMatch=${ifMetagenerationNotMatch} matches the metageneration`);
  }
}
