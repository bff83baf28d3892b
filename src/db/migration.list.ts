import { InitialSchema1764140000000 } from '../../migrations/1764140000000-initial-schema';
import { RunProgress1764150000000 } from '../../migrations/1764150000000-run-progress';
import { EmbeddingSets1764160000000 } from '../../migrations/1764160000000-embedding-sets';
import { WorkerHeartbeats1764170000000 } from '../../migrations/1764170000000-worker-heartbeats';
import { EmbeddingRuntime1764180000000 } from '../../migrations/1764180000000-embedding-runtime';
import { BaselinesAndReplicates1764190000000 } from '../../migrations/1764190000000-baselines-and-replicates';
import { ScreenChannels1764200000000 } from '../../migrations/1764200000000-screen-channels';
import { TrainingRuntime1764230000000 } from '../../migrations/1764230000000-training-runtime';

/**
 * Every migration, oldest first. Listed rather than globbed so that the compiled app and the
 * TypeScript tests load the same classes; a test checks that no file in migrations/ is missing.
 */
export const MIGRATIONS = [InitialSchema1764140000000, RunProgress1764150000000, EmbeddingSets1764160000000, WorkerHeartbeats1764170000000, EmbeddingRuntime1764180000000, BaselinesAndReplicates1764190000000, ScreenChannels1764200000000, TrainingRuntime1764230000000];
