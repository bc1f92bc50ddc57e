import { codeOf, errorChain } from '../core/error-chain.js';

/**
 * What an operator can do about a failure, by the code the system or the database gave it (Node's errno codes,
 * PostgreSQL's SQLSTATE, SQLite's result codes).
 */
const HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE:
    'ポートが使われています。TODOKE_PORT (サンドボックスは --port など) で空いているポートを指定してください / The port is in use: choose a free one with TODOKE_PORT (the sandbox: --port and the like)',
  EADDRNOTAVAIL:
    'このアドレスでは待ち受けできません。TODOKE_HOST を確認してください / This machine has no such address: check TODOKE_HOST',
  EACCES:
    '権限がありません。TODOKE_DATA_DIR の書き込み権限と、1024 未満のポートでないかを確認してください / Permission denied: check that TODOKE_DATA_DIR is writable and that the port is not below 1024',
  ENOENT:
    'ファイルまたはディレクトリがありません。TODOKE_CONFIG と TODOKE_DATA_DIR を確認してください / No such file or directory: check TODOKE_CONFIG and TODOKE_DATA_DIR',
  ECONNREFUSED:
    '接続先が応答しません。TODOKE_DATABASE_URL (API なら --url / TODOKE_URL) と、相手が起動しているかを確認してください / Nothing answered at that address: check TODOKE_DATABASE_URL (for the API, --url or TODOKE_URL) and that the server is running',
  ENOTFOUND:
    'ホスト名を解決できません。TODOKE_DATABASE_URL (API なら --url / TODOKE_URL) を確認してください / The host name does not resolve: check TODOKE_DATABASE_URL (for the API, --url or TODOKE_URL)',
  '28P01':
    'PostgreSQL がパスワードを受け付けません。TODOKE_DATABASE_URL を確認してください / PostgreSQL refused the password: check TODOKE_DATABASE_URL',
  '28000':
    'PostgreSQL がこの接続を許可していません (pg_hba.conf) / PostgreSQL does not allow this connection (pg_hba.conf)',
  '3D000':
    'そのデータベースはありません。先に作成してください (CREATE DATABASE) / That database does not exist: create it first (CREATE DATABASE)',
  '42501':
    'PostgreSQL のユーザーに権限がありません (テーブルやスキーマの作成など) / The PostgreSQL user lacks a privilege (creating tables or the schema, say)',
  SQLITE_CANTOPEN:
    'SQLite のファイルを開けません。TODOKE_DATA_DIR が存在し書き込めるかを確認してください / SQLite cannot open its file: check that TODOKE_DATA_DIR exists and is writable',
  SQLITE_BUSY:
    'データベースが別の接続にロックされています。別の todoke がこのデータディレクトリを使っていないか確認してください / The database is locked by another connection: check that no other todoke uses this data directory',
  SQLITE_READONLY: 'SQLite のファイルが読み取り専用です / The SQLite file is read-only',
  SQLITE_FULL: 'ディスクがいっぱいです / The disk is full',
  ENOSPC: 'ディスクがいっぱいです / The disk is full',
};

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    // An AggregateError (every address of a host refused, say) has an empty message of its own.
    if (error.message) return error.message;
    if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
    return error.name;
  }
  return String(error);
}

/**
 * What a failed command prints: the error with its code, each cause under it, and, where the code is one an
 * operator can act on, what to check. Japanese first, with English.
 */
export function describeFailure(error: unknown): string {
  const chain = errorChain(error);
  const lines: string[] = [];
  let shown = '';
  chain.forEach((e, i) => {
    const message = messageOf(e);
    const code = codeOf(e);
    const tag = code && !message.includes(code) ? ` [${code}]` : '';
    // A wrapper often repeats its cause's message: the cause then adds only its code, on the line above.
    if (i > 0 && shown.includes(message)) {
      if (tag && !lines[lines.length - 1]!.includes(tag)) lines[lines.length - 1] += tag;
      return;
    }
    shown = message;
    lines.push(
      i === 0
        ? `todoke を実行できませんでした / todoke could not run: ${message}${tag}`
        : `  原因 / cause: ${message}${tag}`,
    );
  });
  const hint = chain.map(codeOf).find((code) => code !== undefined && HINTS[code] !== undefined);
  if (hint) lines.push(`  対処 / what to do: ${HINTS[hint]}`);
  return lines.join('\n');
}
