import type { Principal } from '../auth/api-key-authenticator';
import { prepareEvents, type DraftEvent } from '../events/draft-event';
import type { IngestEvent } from '../events/ingest-event';
import { IngestRequestError } from '../events/ingest-request-error';
import type { EventOutcome } from '../sink/event-outcome';
import type { TopicInfo } from '../topics/topic-info';
import type { IngestServices } from './ingest-services';

/**
 * The part both APIs share once a request's drafts are parsed: partitions in
 * range (404 40402, nothing written), ids, conversion and limits (the whole
 * request refused on any problem), the key's rate limits (429), then the
 * sink, which says where each event went.
 */
export async function writeEvents(
  services: IngestServices,
  principal: Principal,
  topic: TopicInfo,
  drafts: readonly DraftEvent[],
): Promise<{ events: IngestEvent[]; outcomes: EventOutcome[] }> {
  const partitions = topic.partitions.length;
  drafts.forEach((draft, index) => {
    if (draft.partition !== undefined && draft.partition >= partitions) {
      throw new IngestRequestError('partition-not-found', `record ${index}: topic "${topic.name}" has no partition ${draft.partition} (it has ${partitions})`, {
        problems: [{ index, field: 'partition', message: `topic "${topic.name}" has partitions 0 to ${partitions - 1}` }],
      });
    }
  });
  const events = prepareEvents(drafts, services.codecs.codecFor(topic.name), services.limits, Date.now());
  const bytes = events.reduce((sum, event) => sum + event.bytes, 0);
  try {
    await services.rateLimiter.consume(principal, events.length, bytes);
  } catch (error) {
    services.metrics?.countEvents(topic.name, 'rejected', events.length, bytes);
    throw error;
  }
  return { events, outcomes: await services.sink.write(topic.name, events) };
}
