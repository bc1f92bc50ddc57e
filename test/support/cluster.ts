import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../src/runtime/start-todoke.js';
import { freePort } from './free-port.js';
import { request } from 'undici';
import { exited, spawnTodoke } from './processes.js';

export interface ClusterNodeSpec {
  name: string;
  role: Role;
}

/** A process that ended without being told to (not by kill() or stop()). */
export interface UnexpectedExit {
  name: string;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it printed. */
  tail: string;
}

interface Node extends ClusterNodeSpec {
  port: number;
  child: ReturnType<typeof spawnTodoke> | null;
  /** `running` once it answered /healthz; `ending` while we end it on purpose. */
  phase: 'starting' | 'running' | 'ending';
  starts: number;
}

export interface ClusterOptions {
  /** Each process gets `<dir>/<name>` as its data dir; logs go to `<dir>/logs/<name>.log`. */
  dir: string;
  /** Environment every process shares (database, secret, config file, log level, …). */
  env: Record<string, string>;
  nodes: ClusterNodeSpec[];
  /** Registered by the api (and all) processes at start. */
  apiKey: string;
  /** Node options for every process, e.g. `--cpu-prof`. */
  execArgv?: string[];
}

/**
 * `todoke start --role …` processes run from source, each on a port of its own, that a test or the chaos harness
 * kills and restarts. Webhooks and callbacks go to the first api (or all) process: it is every process's public
 * URL.
 */
export class Cluster {
  readonly exits: UnexpectedExit[] = [];
  private readonly nodes = new Map<string, Node>();

  private constructor(private readonly options: ClusterOptions) {}

  static async create(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    mkdirSync(join(options.dir, 'logs'), { recursive: true });
    for (const spec of options.nodes) {
      cluster.nodes.set(spec.name, {
        ...spec,
        port: await freePort(),
        child: null,
        phase: 'ending',
        starts: 0,
      });
    }
    if (!options.nodes.some((n) => n.role !== 'worker'))
      throw new Error('a cluster needs an api or all process');
    return cluster;
  }

  /** Where providers and clients reach the cluster: the first api (or all) process. */
  get apiUrl(): string {
    return this.url([...this.nodes.values()].find((n) => n.role !== 'worker')!.name);
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.node(name).port}`;
  }

  names(role?: Role): string[] {
    return [...this.nodes.values()].filter((n) => role === undefined || n.role === role).map((n) => n.name);
  }

  isRunning(name: string): boolean {
    const child = this.node(name).child;
    return child !== null && child.exitCode === null && child.signalCode === null;
  }

  /** Processes that ended without being told to and were not started again yet. */
  crashed(): string[] {
    return [...this.nodes.values()]
      .filter((n) => n.phase === 'running' && !this.isRunning(n.name))
      .map((n) => n.name);
  }

  /** Whether the process answers /readyz with 2xx (its store answers and, for an engine, the engine runs). */
  ready(name: string): Promise<boolean> {
    return answers(`${this.url(name)}/readyz`);
  }

  /** How many times the process was started. */
  starts(name: string): number {
    return this.node(name).starts;
  }

  logFile(name: string): string {
    return join(this.options.dir, 'logs', `${name}.log`);
  }

  output(name: string): string {
    return this.node(name).child?.output() ?? '';
  }

  /** API processes first (they register the API key), then the others together. */
  async startAll(timeoutMs = 60_000): Promise<void> {
    const all = [...this.nodes.values()];
    for (const node of all.filter((n) => n.role !== 'worker')) await this.start(node.name, timeoutMs);
    await Promise.all(all.filter((n) => n.role === 'worker').map((n) => this.start(n.name, timeoutMs)));
  }

  /**
   * Starts the process and resolves once it answers /healthz. A process that exits before that (its configuration
   * is wrong, or the database stayed away past the minute a start waits for it) rejects the promise instead and
   * does not count as an unexpected exit.
   */
  async start(name: string, timeoutMs = 60_000): Promise<void> {
    const node = this.node(name);
    if (this.isRunning(name)) throw new Error(`${name} is already running`);
    const env: Record<string, string> = {
      ...this.options.env,
      TODOKE_HOST: '127.0.0.1',
      TODOKE_PORT: String(node.port),
      TODOKE_DATA_DIR: join(this.options.dir, name),
      TODOKE_PUBLIC_URL: this.apiUrl,
    };
    if (node.role !== 'worker') env.TODOKE_BOOTSTRAP_API_KEY = this.options.apiKey;
    const child = spawnTodoke(['start', '--role', node.role], env, {
      logFile: this.logFile(name),
      ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
    });
    node.child = child;
    node.phase = 'starting';
    node.starts += 1;
    child.once('exit', (code, signal) => {
      if (node.phase !== 'running' || node.child !== child) return;
      this.exits.push({ name, at: Date.now(), code, signal, tail: child.output().slice(-4000) });
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning(name)) {
        throw new Error(
          `${name} exited while starting (${child.exitCode ?? child.signalCode}):\n${child.output().slice(-4000)}`,
        );
      }
      if (await answers(`${this.url(name)}/healthz`)) break;
      if (Date.now() > deadline) {
        node.phase = 'ending';
        child.kill('SIGKILL');
        throw new Error(`${name} did not come up in ${timeoutMs} ms:\n${child.output().slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    node.phase = 'running';
  }

  /** Sends the signal and resolves once the process has exited. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const node = this.node(name);
    const child = node.child;
    if (!child || !this.isRunning(name)) return;
    node.phase = 'ending';
    child.kill(signal);
    await exited(child);
  }

  async restart(name: string, timeoutMs?: number): Promise<void> {
    await this.kill(name);
    await this.start(name, timeoutMs);
  }

  /** SIGTERM to every process (they drain), SIGKILL to any still there after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const running = [...this.nodes.values()].filter((n) => this.isRunning(n.name));
    for (const node of running) {
      node.phase = 'ending';
      node.child!.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const node of running) if (this.isRunning(node.name)) node.child!.kill('SIGKILL');
    }, graceMs);
    await Promise.all(running.map((n) => exited(n.child!)));
    clearTimeout(timer);
  }

  private node(name: string): Node {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no process named ${name}`);
    return node;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
    await response.body.dump();
    return response.statusCode < 300;
  } catch {
    return false;
  }
}
