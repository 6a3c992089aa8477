import { drainedMessage } from './drained-message';

const entry = {
  streamId: '1-0',
  id: 'e-1',
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: { 'content-type': Buffer.from('application/json') },
  timestamp: 1700000000123,
  bytes: 10,
};

describe('drainedMessage', () => {
  it('keeps key, value, headers and timestamp, and carries the event id in its header', () => {
    expect(drainedMessage(entry, 'eventpath-event-id')).toEqual({
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: { 'content-type': Buffer.from('application/json'), 'eventpath-event-id': 'e-1' },
      timestamp: '1700000000123',
    });
  });

  it('leaves an id header the gateway already set as it is', () => {
    const withId = { ...entry, headers: { 'eventpath-event-id': Buffer.from('e-1') } };
    expect(drainedMessage(withId, 'eventpath-event-id').headers).toEqual({ 'eventpath-event-id': Buffer.from('e-1') });
  });
});
