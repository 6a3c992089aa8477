import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port';

export interface StartRedisOptions {
  /** Fixed port; a free one by default. */
  port?: number;
  /** Data directory (AOF lives here); a fresh temp dir by default, removed by stop(). */
  dir?: string;
  /** `maxmemory-policy`; production requires noeviction, tests of the start-up check set an evicting one. */
  maxmemoryPolicy?: string;
  /** `maxmemory`, e.g. '64mb'; unlimited by default. */
  maxmemory?: string;
  /** Path of the redis-server binary. */
  binary?: string;
  /** `appendonly`; on by default, as production requires. Off for tests of the durability check. */
  appendonly?: boolean;
  /** `appendfsync`; `always` by default, as production requires. */
  appendfsync?: 'always' | 'everysec' | 'no';
  /**
   * Cluster mode: one node that owns all 16384 slots, announced as
   * 127.0.0.1, for ioredis `Cluster` clients. Ready once `cluster_state:ok`.
   */
  cluster?: boolean;
}

export interface DevRedis {
  url: string;
  port: number;
  dir: string;
  /** Shuts down cleanly (AOF flushed), removes the temp dir if this helper made it. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. Data written with AOF `appendfsync always` survives a restart. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory, replaying the AOF. */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/**
 * Runs Debian's `redis-server` on its own port in a temp dir, configured as
 * production must be: AOF on (`appendonly yes`, fsync on every write so a
 * kill loses nothing acknowledged) and `maxmemory-policy noeviction`.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<DevRedis> {
  const port = options.port ?? (await findFreePort());
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'eventpath-redis-')));
  await mkdir(dir, { recursive: true });
  const binary = options.binary ?? 'redis-server';
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', options.appendonly === false ? 'no' : 'yes',
    '--appendfsync', options.appendfsync ?? 'always',
    '--save', '',
    '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction',
    ...(options.maxmemory ? ['--maxmemory', options.maxmemory] : []),
    '--daemonize', 'no',
    '--logfile', join(dir, 'redis.log'),
    ...(options.cluster
      ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']
      : []),
  ];
  const start = async () => {
    const started = await launch(binary, args, port, dir);
    if (options.cluster) {
      try {
        await ownAllSlots(port);
      } catch (err) {
        started.kill('SIGKILL');
        throw err;
      }
    }
    return started;
  };
  let child: ChildProcess | undefined;
  try {
    child = await start();
  } catch (err) {
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const waitExit = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: async () => {
      await waitExit('SIGTERM');
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
    kill: () => waitExit('SIGKILL'),
    restart: async () => {
      await waitExit('SIGTERM');
      child = await start();
    },
  };
}

async function launch(binary: string, args: string[], port: number, dir: string): Promise<ChildProcess> {
  // Logs go to a file in the data dir: pipes would keep the test process alive.
  const child = spawn(binary, args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error(`${binary} not found: install the Debian package redis-server (npm run setup does it)`)
          : err,
      ),
    );
    child.once('exit', (code) =>
      readFile(join(dir, 'redis.log'), 'utf8')
        .catch(() => '')
        .then((log) => reject(new Error(`redis-server exited with code ${code} before it was ready:\n${log.slice(-4000)}`))),
    );
  });
  const giveUp = new AbortController();
  try {
    await Promise.race([waitForPing(port, giveUp.signal), failed]);
  } catch (err) {
    giveUp.abort();
    child.kill('SIGKILL');
    throw err;
  }
  failed.catch(() => undefined);
  // A test run that dies must not leave redis-server behind.
  child.unref();
  return child;
}

/** Ready means it answers PING (and, with AOF, has finished loading). */
async function waitForPing(port: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !signal.aborted) {
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Gives a fresh cluster node every slot (a restarted one has them in nodes.conf) and waits for `cluster_state:ok`. */
async function ownAllSlots(port: number): Promise<void> {
  if ((await inlineCommand(port, 'CLUSTER INFO')).includes('cluster_slots_assigned:0\r\n')) {
    const reply = await inlineCommand(port, 'CLUSTER ADDSLOTSRANGE 0 16383');
    if (!reply.startsWith('+OK')) throw new Error(`CLUSTER ADDSLOTSRANGE on port ${port} answered ${reply.trim()}`);
  }
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await inlineCommand(port, 'CLUSTER INFO')).includes('cluster_state:ok')) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not reach cluster_state:ok within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends one inline command and resolves to its whole reply (a status, an error or one bulk string). */
function inlineCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(2000);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      const complete = bulk ? Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2 : reply.endsWith('\r\n');
      if (!complete) return;
      socket.destroy();
      resolve(bulk ? reply.slice(bulk[0].length, -2) : reply);
    });
    socket.once('error', reject);
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`redis-server on port ${port} did not answer ${command}`));
    });
  });
}
