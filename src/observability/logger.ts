import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Phone numbers never reach a log line in full. A number keeps its country and mobile prefix and its last four
 * digits (`+8190****5678`, `090-****-5678`), enough to match a support ticket, not enough to call anyone.
 */
const INTERNATIONAL = /((?:\+|%2B)\d{4})\d{2,7}(\d{4})(?!\d)/gi;
const JAPANESE_MOBILE =
  /((?<!\d)(?:\+81[-\s]?(?:\(0\)[-\s]?)?|81[-\s]?|0)[6-9]0[-\s]?)\d{4}([-\s]?\d{4})(?!\d)/g;

export function maskPhoneNumbers(text: string): string {
  return text.replace(INTERNATIONAL, '$1****$2').replace(JAPANESE_MOBILE, '$1****$2');
}

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY = /^(?:authorization|cookie|password|secret|.*token|.*secret|api_?key)$/i;
const CENSOR = '[REDACTED]';
const MAX_DEPTH = 8;

/** Copies plain data with credentials removed, at any depth; other objects are left to the serializers. */
function withoutSecrets(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item != null ? CENSOR : withoutSecrets(item, depth + 1);
  }
  return out;
}

/**
 * Where credentials sit in what `withoutSecrets` does not see: objects that serializers produce (requests) and
 * child-logger bindings, which pino formats outside the log formatter.
 */
const SECRET_FIELDS = [
  'authorization',
  'token',
  'secret',
  'authToken',
  'channelAccessToken',
  'channelSecret',
  'password',
];
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
];

/**
 * Masks every finished line, whatever produced it (message, child bindings, error stacks, serializers): pino
 * formats child bindings once, outside any formatter, so masking fields alone would miss them.
 */
function maskingStream(
  target: DestinationStream & { flush?: () => void; flushSync?: () => void },
): DestinationStream {
  return {
    write: (line: string) => target.write(maskPhoneNumbers(line)),
    ...(target.flush ? { flush: () => target.flush?.() } : {}),
    ...(target.flushSync ? { flushSync: () => target.flushSync?.() } : {}),
  } as DestinationStream;
}

/**
 * The process logger: JSON lines on stdout (or `destination`), phone numbers masked, credentials redacted.
 * Stdout is written synchronously so the last lines before a crash are not lost.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'todoke' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      formatters: { log: (object) => withoutSecrets(object, 0) as Record<string, unknown> },
    },
    maskingStream(destination ?? pino.destination({ dest: 1, sync: true })),
  );
}
