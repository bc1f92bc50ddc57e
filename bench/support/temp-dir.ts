import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system temp dir for one benchmark's databases. */
export function makeTempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `todoke-bench-${name}-`));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
