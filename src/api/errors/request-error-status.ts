/**
 * Errors the GraphQL-over-HTTP spec calls request errors of a well-formed request: the document
 * does not parse or validate, its variables do not coerce, or it names no operation it holds.
 * The limits (QUERY_TOO_DEEP, QUERY_TOO_COMPLEX) are refusals of this server, not of the spec: they stay 400.
 */
const REQUEST_ERROR_CODES = new Set<unknown>(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * The status of a GraphQL answer as the spec wants it. Apollo answers request errors with 400
 * whatever the media type; the spec keeps 400 for application/graphql-response+json and asks 200
 * for application/json, whose clients read errors from the body (a missing Accept gets application/json).
 */
export function specStatus(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !contentType?.startsWith('application/json')) return status;
  let answer: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return status;
  }
  const codes = answer.errors?.map((error) => error.extensions?.code) ?? [];
  const requestError = !('data' in answer) && codes.length > 0 && codes.every((code) => REQUEST_ERROR_CODES.has(code));
  return requestError ? 200 : status;
}
