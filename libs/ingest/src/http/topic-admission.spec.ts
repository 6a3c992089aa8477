import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { hashApiKey } from '../auth/api-key-hash';
import { asyncRefusal } from '../test-support/problems';
import type { TopicInfo } from '../topics/topic-info';
import { admitTopic, type TopicDirectory } from './topic-admission';

const orders: TopicInfo = { name: 'orders', partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1] }] };
const directory = (known: boolean, topics: TopicInfo[] = [orders]): TopicDirectory => ({
  known,
  resolve: async (name) => topics.find((t) => t.name === name),
  get: (name) => topics.find((t) => t.name === name),
  names: () => topics.map((t) => t.name),
});
const KEY = 'k-0123456789abcdef0123456789abcdef';
const auth = new ApiKeyAuthenticator([{ name: 'svc', sha256: hashApiKey(KEY), topics: ['orders', 'missing'] }]);
const withKey = { authorization: `Bearer ${KEY}` };

describe('admitTopic', () => {
  it('checks the key, the name, the ACL, a known topic list and the topic, in that order', async () => {
    const admitted = await admitTopic(directory(true), auth, withKey, 'orders', 'bad-request', 2);
    expect([admitted.principal.name, admitted.topic]).toEqual(['svc', orders]);
    expect((await asyncRefusal(() => admitTopic(directory(true), auth, {}, 'bad name', 'bad-request', 2))).status).toBe(401);
    expect((await asyncRefusal(() => admitTopic(directory(true), auth, withKey, 'bad name', 'bad-request', 2))).status).toBe(400);
    expect((await asyncRefusal(() => admitTopic(directory(true), auth, withKey, 'bad name', 'topic-not-found', 2))).status).toBe(404);
    expect((await asyncRefusal(() => admitTopic(directory(false), auth, withKey, 'payments', 'bad-request', 2))).status).toBe(403);
    const unknownList = await asyncRefusal(() => admitTopic(directory(false), auth, withKey, 'orders', 'bad-request', 2));
    expect([unknownList.status, unknownList.retryAfterSeconds]).toEqual([503, 2]);
    const missing = await asyncRefusal(() => admitTopic(directory(true), auth, withKey, 'missing', 'bad-request', 2));
    expect([missing.status, missing.kind]).toEqual([404, 'topic-not-found']);
  });
});
