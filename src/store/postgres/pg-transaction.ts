import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one connection: committed when it resolves (and `commitIf` agrees with its
 * result), rolled back when it throws or `commitIf` says no. A connection the server ends meanwhile (a restart)
 * emits 'error' on the checked-out client; it is heard here (an unheard one would end the process) and the client
 * is discarded rather than handed to the next caller, as it is when even the rollback fails.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  commitIf: (result: T) => boolean = () => true,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(commitIf(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
