import { ORDER_PLACED, PAGE_VIEWED } from './sample-schema';

/** The load CLI's options as commander gives them (strings). */
export interface LoadCliOptions {
  url: string;
  rate: string;
  duration?: string;
  count?: string;
  batchRatio: string;
  protobufRatio: string;
  batchSize: string;
  topics: string;
  concurrency: string;
  timeout: string;
  seed?: string;
}

export interface ParsedLoadOptions {
  url: string;
  rate: number;
  durationMs?: number;
  count?: number;
  batchRatio: number;
  protobufRatio: number;
  maxBatchSize: number;
  topics: string[];
  messageTypes: Record<string, string>;
  concurrency: number;
  timeoutMs: number;
  seed: number;
}

/** A wrong option: names it and says why. */
export class LoadOptionError extends Error {
  override readonly name = 'LoadOptionError';
}

const KNOWN_TYPES: Record<string, string> = { events: PAGE_VIEWED, orders: ORDER_PLACED };
const SHORT_TYPES: Record<string, string> = { PageViewed: PAGE_VIEWED, OrderPlaced: ORDER_PLACED };

/** `30s`, `2m`, `1m30s`, `500ms`, or a number of seconds. */
export function parseDuration(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new LoadOptionError(`${option}: expected a duration like 30s, 2m or 500ms, got "${text}"`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
}

function number(text: string, option: string, check: (value: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new LoadOptionError(`${option}: must be ${expected}, got "${text}"`);
  return value;
}

/**
 * `--topics events,orders,clicks=eventpath.example.PageViewed`: each topic
 * with the message type of its values (`events` and `orders` have theirs;
 * another topic is PageViewed unless `=Type` says otherwise).
 */
export function parseTopics(text: string): { topics: string[]; messageTypes: Record<string, string> } {
  const messageTypes: Record<string, string> = {};
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, type] = entry.split('=', 2);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(name)) throw new LoadOptionError(`--topics: "${name}" is not a Kafka topic name`);
    const messageType = type ? (SHORT_TYPES[type] ?? type) : (KNOWN_TYPES[name] ?? PAGE_VIEWED);
    if (messageType !== PAGE_VIEWED && messageType !== ORDER_PLACED) throw new LoadOptionError(`--topics: ${name}=${type}: the generator writes ${PAGE_VIEWED} or ${ORDER_PLACED}`);
    messageTypes[name] = messageType;
  }
  const topics = Object.keys(messageTypes);
  if (topics.length === 0) throw new LoadOptionError('--topics: name at least one topic');
  return { topics, messageTypes };
}

/** Validates every option; throws LoadOptionError naming the first wrong one. */
export function parseLoadOptions(cli: LoadCliOptions): ParsedLoadOptions {
  let url: URL;
  try {
    url = new URL(cli.url);
  } catch {
    throw new LoadOptionError(`--url: must be a URL like http://127.0.0.1:8082, got "${cli.url}"`);
  }
  const ratio = (text: string, option: string) => number(text, option, (value) => value >= 0 && value <= 1, 'a share between 0 and 1');
  const positiveInteger = (text: string, option: string) => number(text, option, (value) => Number.isInteger(value) && value > 0, 'a whole number above 0');
  const parsed: ParsedLoadOptions = {
    url: url.href.replace(/\/$/, ''),
    rate: number(cli.rate, '--rate', (value) => value > 0, 'above 0 (events per second)'),
    durationMs: cli.duration === undefined ? undefined : parseDuration(cli.duration, '--duration'),
    count: cli.count === undefined ? undefined : positiveInteger(cli.count, '--count'),
    batchRatio: ratio(cli.batchRatio, '--batch-ratio'),
    protobufRatio: ratio(cli.protobufRatio, '--protobuf-ratio'),
    maxBatchSize: positiveInteger(cli.batchSize, '--batch-size'),
    ...parseTopics(cli.topics),
    concurrency: positiveInteger(cli.concurrency, '--concurrency'),
    timeoutMs: parseDuration(cli.timeout, '--timeout'),
    seed: cli.seed === undefined ? Date.now() % 2 ** 31 : positiveInteger(cli.seed, '--seed'),
  };
  if (parsed.durationMs === undefined && parsed.count === undefined) parsed.durationMs = 30_000;
  return parsed;
}
