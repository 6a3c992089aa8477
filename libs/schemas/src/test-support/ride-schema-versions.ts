import type { DecodedMessage } from '../codec/decoder-compiler';
import { loadSchemas } from '../registry/load-schemas';
import { descriptorSetPath, readDescriptorSet } from './fixtures';

export const RIDE = 'eventpath.updates.RideBooked';
export const RIDER = 'eventpath.updates.Rider';

/** The fixture versions of the ride schema: v2 adds fields; incompatible changes a type and a number. */
export const rideDescriptorSets = {
  v1: () => readDescriptorSet('ride-v1'),
  v2: () => readDescriptorSet('ride-v2'),
  incompatible: () => readDescriptorSet('ride-incompatible'),
  broken: () => Buffer.from('this is not a FileDescriptorSet'),
};

export interface RideVersions {
  v1: string;
  v2: string;
  /** A RideBooked encoded with v2, so its `city` is unknown to v1. */
  bytes: Uint8Array;
}

export async function rideVersions(): Promise<RideVersions> {
  const load = (version: 'ride-v1' | 'ride-v2') =>
    loadSchemas([{ kind: 'descriptorSetFile', name: version, path: descriptorSetPath(version) }]);
  const [v1, v2] = await Promise.all([load('ride-v1'), load('ride-v2')]);
  const bytes = v2.messageType(RIDE).encode({ ride_id: 'r-1', fare_cents: 1250n, rider: { rider_id: 'u-9', rating: 5 }, city: 'Jakarta' });
  return { v1: v1.messageType(RIDE).fingerprint, v2: v2.messageType(RIDE).fingerprint, bytes };
}

/** Whether a decoded ride matches the version that decoded it: only v2 knows `city` and `rating`. */
export function rideMatchesVersion(versions: RideVersions) {
  return (fingerprint: string, message: DecodedMessage): boolean => {
    const rider = message.rider as DecodedMessage;
    if (fingerprint === versions.v1) return message.city === undefined && rider.rating === undefined;
    if (fingerprint === versions.v2) return message.city === 'Jakarta' && rider.rating === 5;
    return false;
  };
}
