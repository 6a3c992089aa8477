import { ConnectOnDemand } from './connect-on-demand';

describe('ConnectOnDemand', () => {
  it('connects once for concurrent callers, retries after a failure, and stays connected', async () => {
    let attempts = 0;
    const connection = new ConnectOnDemand(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('cluster down');
    });
    await expect(Promise.all([connection.ensure(), connection.ensure()])).rejects.toThrow('cluster down');
    expect(attempts).toBe(1);
    expect(connection.isConnected).toBe(false);
    await Promise.all([connection.ensure(), connection.ensure()]);
    await connection.ensure();
    expect(attempts).toBe(2);
    expect(connection.isConnected).toBe(true);
  });

  it('never connects again once closed', async () => {
    let attempts = 0;
    const connection = new ConnectOnDemand(async () => void (attempts += 1));
    connection.close();
    await expect(connection.ensure()).rejects.toThrow(/disconnected on purpose/);
    expect(attempts).toBe(0);
  });
});
