import { serveThreadRequests } from '../util/thread-pool';
import { evaluateLineRequest } from './line-evaluation.pool';

/** Worker thread of LineEvaluationPool: one cell line per message, its results back. */
serveThreadRequests(evaluateLineRequest);
