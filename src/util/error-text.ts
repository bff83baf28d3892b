/** An error as text for a log line or a message across threads: its stack when it has one. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** An error's message alone, for a line a user reads: no stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
