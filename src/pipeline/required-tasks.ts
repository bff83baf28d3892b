/**
 * The evaluation tasks a run must have stored to count as evaluated: the pipeline queues an
 * evaluation until they are, and the demo's progress counts a run done when they are. The one
 * list until the evaluation task registry (src/evaluation/tasks/) replaces it.
 */
export const REQUIRED_EVALUATION_TASKS: readonly string[] = ['similarity', 'classification', 'clustering', 'map'];
