/**
 * A deep copy fit for JSON: every non-finite number becomes null. The evaluators already
 * return Measured values instead of NaN; this is the last guard before Postgres and GraphQL.
 */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
}
