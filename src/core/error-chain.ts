/**
 * An error and what it was caused by, outermost first: each `cause` in turn, or, for an AggregateError without
 * one (a connect that tried every address of a host), its first error. A cycle or a very deep chain is cut short.
 */
export function errorChain(error: unknown, maxDepth = 8): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < maxDepth && !chain.includes(current)) {
    chain.push(current);
    const cause = (current as { cause?: unknown }).cause;
    current =
      cause === undefined && current instanceof AggregateError && current.errors.length > 0
        ? current.errors[0]
        : cause;
  }
  return chain;
}

/** The `code` an error carries (a Node errno code, a SQLSTATE, a driver's result code), as a string. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
