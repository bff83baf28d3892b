/**
 * An error the operating system gave (a read-only or full disk, a path below a file, a refused
 * connection) as one line: it says what to fix, and a stack would only bury it.
 */
export function systemErrorLine(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path: file, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  // Node's message reads "EROFS: read-only file system, mkdir '/x'"
  const reason = /^[A-Z0-9_]+: ([^,\n]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0];
  const target = file ?? (address === undefined ? undefined : port === undefined ? address : `${address}:${port}`);
  return `cannot ${syscall}${target === undefined ? '' : ` ${target}`}: ${reason} (${code})`;
}
