import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';

export interface PostgresRestart {
  ok: boolean;
  ms: number;
  detail: string;
}

/**
 * Restarts the local PostgreSQL cluster as an operator would (`pg_ctlcluster <version> main restart`): every
 * connection of every process is cut, and the server is away for a moment.
 */
export function restartPostgres(): Promise<PostgresRestart> {
  let version: string | undefined;
  try {
    version = readdirSync('/etc/postgresql')[0];
  } catch {
    // no Debian-style cluster here
  }
  if (!version) return Promise.resolve({ ok: false, ms: 0, detail: 'no cluster under /etc/postgresql' });
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', version, 'main', 'restart'],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const ms = performance.now() - started;
        const detail = `pg_ctlcluster ${version} main restart${error ? `: ${error.message} ${stderr}`.trim() : ''}`;
        resolve({ ok: !error, ms, detail: `${detail}${stdout.trim() ? ` — ${stdout.trim()}` : ''}` });
      },
    );
  });
}
