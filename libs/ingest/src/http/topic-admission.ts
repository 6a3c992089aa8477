import type { ApiKeyAuthenticator, CredentialHeaders, Principal } from '../auth/api-key-authenticator';
import { IngestRequestError } from '../events/ingest-request-error';
import type { TopicInfo } from '../topics/topic-info';
import { topicNameProblem } from '../topics/topic-name';

/** The topics a gateway accepts: `TopicCatalogue` fits. */
export interface TopicDirectory {
  /** Whether a topic list is known at all yet. */
  readonly known: boolean;
  resolve(name: string): Promise<TopicInfo | undefined>;
  get(name: string): TopicInfo | undefined;
  names(): string[];
}

export interface AdmittedTopic {
  principal: Principal;
  topic: TopicInfo;
}

/**
 * The checks before a request's body is read, in this order: the API key
 * (401), the topic name (400 for the native API; the REST Proxy answers 404
 * 40401 for a name no topic can have), the key's ACL (403, before existence,
 * so a key learns nothing of topics it may not use), a known topic list
 * (503 until the gateway has one), the topic (404; never auto-created).
 */
export async function admitTopic(
  directory: TopicDirectory,
  authenticator: ApiKeyAuthenticator,
  headers: CredentialHeaders,
  name: string,
  invalidName: 'bad-request' | 'topic-not-found',
  retryAfterSeconds: number,
): Promise<AdmittedTopic> {
  const principal = authenticator.authenticate(headers);
  const problem = topicNameProblem(name);
  if (problem) throw new IngestRequestError(invalidName, problem);
  authenticator.authorize(principal, name);
  if (!directory.known) {
    throw new IngestRequestError('unavailable', 'the gateway does not know the fronting topics yet: neither Kafka nor a saved topic list answered', {
      retryAfterSeconds,
    });
  }
  const topic = await directory.resolve(name);
  if (!topic) throw new IngestRequestError('topic-not-found', `topic "${name}" does not exist in the fronting cluster (topics are never created by the gateway)`);
  return { principal, topic };
}
