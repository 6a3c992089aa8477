import { CommandChannel } from './command-channel';
import { DevKafkaChannelClosedError } from './errors';

describe('CommandChannel', () => {
  const channelWithLog = () => {
    const written: string[] = [];
    return { channel: new CommandChannel((line) => written.push(line)), written };
  };

  it('writes each command as one line and pairs replies with commands in order', async () => {
    const { channel, written } = channelWithLog();

    const first = channel.send('topics');
    const second = channel.send('down 9');
    channel.receive('{"ok":true,"topics":[]}');
    channel.receive('{"ok":false,"error":"broker id must be 1..1"}');

    expect(written).toEqual(['topics\n', 'down 9\n']);
    expect(await first).toEqual({ ok: true, topics: [] });
    expect(await second).toEqual({ ok: false, error: 'broker id must be 1..1' });
  });

  it('refuses a command that would span lines, without writing it', async () => {
    const { channel, written } = channelWithLog();

    await expect(channel.send('topics\nquit')).rejects.toThrow(TypeError);
    expect(written).toEqual([]);
  });

  it('rejects a reply that is not a launcher reply', async () => {
    const { channel } = channelWithLog();

    const sent = channel.send('topics');
    channel.receive('% some log line');

    await expect(sent).rejects.toThrow(SyntaxError);
  });

  it('fails waiting and later commands once the connection closed', async () => {
    const { channel } = channelWithLog();

    const waiting = channel.send('watermarks t 0');
    channel.close();

    await expect(waiting).rejects.toBeInstanceOf(DevKafkaChannelClosedError);
    await expect(channel.send('topics')).rejects.toThrow('before the reply to "topics"');
  });
});
