import { getSystemErrorMap } from 'node:util';

/**
 * An error the operating system gave (a read-only or full disk, a path below a file, a refused
 * connection) as one line: it says what to fix, and a stack would only bury it.
 */
export function systemErrorLine(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, errno, syscall, path: file, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  const reason = (typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined) ?? error.message.split('\n')[0];
  const target = file ?? (address === undefined ? undefined : port === undefined ? address : `${address}:${port}`);
  return `cannot ${syscall}${target === undefined ? '' : ` ${target}`}: ${reason} (${code})`;
}
