import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** Node's major version, from `process.versions.node`. */
export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * better-sqlite3, in the build that works on this Node.
 *
 * - Node 20 and 22: better-sqlite3 12, compiled from source at install.
 * - Node 24 and later: better-sqlite3 13 (its Node-API build, installed as the alias `better-sqlite3-napi`, with
 *   prebuilt binaries). Version 12 derives its native classes from `node::ObjectWrap`, whose destructor in the
 *   headers of Node 24.19 and later asserts that a JavaScript context is current; a statement or database
 *   collected outside one (an idle-time GC, a process exiting) then aborts the whole process with
 *   `Assertion failed: (env) != nullptr`. Version 13 needs Node 22 or later, so it cannot be the only build.
 *
 * Both have the same JavaScript API and the same types.
 */
/** The module better-sqlite3 is loaded from here, for threads that open the same database. */
export const DRIVER_PATH = require.resolve(NODE_MAJOR >= 24 ? 'better-sqlite3-napi' : 'better-sqlite3');

const Database = require(DRIVER_PATH) as typeof BetterSqlite3;
export default Database;

/** An open database, whichever build opened it. */
export type SqliteDatabase = BetterSqlite3.Database;
