import { Command } from 'commander';
import { formatSummary } from './load-stats';
import { LoadOptionError, parseLoadOptions, type LoadCliOptions } from './load-options';
import { runLoad } from './run-load';
import { loadSampleEncoder } from './sample-schema';

const program = new Command()
  .name('load')
  .description('Posts sample events (eventpath.example.PageViewed, OrderPlaced) to a rest-gateway at a given rate and mix')
  .option('--url <url>', 'the gateway', 'http://127.0.0.1:8082')
  .option('--rate <events/s>', 'events per second (a batch counts its events)', '100')
  .option('--duration <time>', 'how long to send: 30s, 2m, ... (default 30s unless --count is given)')
  .option('--count <events>', 'how many events to send (with --duration: whichever comes first)')
  .option('--batch-ratio <0-1>', 'share of requests carrying a batch', '0.3')
  .option('--batch-size <n>', 'largest batch (a batch holds 2 to n events)', '50')
  .option('--protobuf-ratio <0-1>', 'share of requests whose values are protobuf bytes (single: native x-protobuf; batch: REST Proxy binary)', '0.5')
  .option('--topics <list>', 'topics, comma-separated; name=MessageType for a topic other than events (PageViewed) and orders (OrderPlaced)', 'events,orders')
  .option('--concurrency <n>', 'most requests in flight', '64')
  .option('--timeout <time>', 'per request', '10s')
  .option('--seed <n>', 'seed of the mix and the event values (default: the clock)')
  .option('--json', 'also print the summary as one JSON line')
  .parse();

async function main(): Promise<number> {
  const cli = program.opts<LoadCliOptions & { json?: boolean }>();
  const options = parseLoadOptions(cli);
  const encoder = loadSampleEncoder();
  const abort = new AbortController();
  const stop = () => {
    if (abort.signal.aborted) process.exit(130);
    console.log('stopping: waiting for the requests in flight (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const until = [options.durationMs !== undefined ? `${options.durationMs / 1000} s` : '', options.count !== undefined ? `${options.count} events` : ''].filter(Boolean).join(' or ');
  console.log(
    `posting to ${options.url}: ${options.rate} events/s for ${until}, topics ${options.topics.join(', ')}, ` +
      `batch ratio ${options.batchRatio} (2-${options.maxBatchSize} events), protobuf ratio ${options.protobufRatio}, seed ${options.seed}`,
  );
  const summary = await runLoad({
    url: options.url,
    rate: options.rate,
    durationMs: options.durationMs,
    count: options.count,
    mix: { topics: options.topics, batchRatio: options.batchRatio, protobufRatio: options.protobufRatio, maxBatchSize: options.maxBatchSize },
    messageTypes: options.messageTypes,
    encoder,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    seed: options.seed,
    idPrefix: `load-${options.seed.toString(36)}`,
    onProgress: (line) => console.log(line),
    signal: abort.signal,
  });
  console.log(formatSummary(summary));
  if (cli.json) console.log(JSON.stringify(summary));
  return summary.sent === summary.kafka + summary.failover ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof LoadOptionError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(error instanceof LoadOptionError ? 2 : 1);
  },
);
