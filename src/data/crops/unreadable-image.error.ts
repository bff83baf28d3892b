/** Image bytes that cannot be, or may not be, decoded; the message says why, for the caller to show. */
export class UnreadableImageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableImageError';
  }
}
