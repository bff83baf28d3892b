/** Polls `probe` every `intervalMs` until it gives a value, or fails after `timeoutMs` naming `what`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, intervalMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
