import type { RunEntity } from '../db/entities/run.entity';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { EvaluationRepository, NamedEntity } from '../db/repositories/evaluation.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { NotFoundError } from '../errors/app-errors';

/** The runs an evaluation may read: by id, with embeddings, and their screens' cell lines by id or name. */
export class EvaluatedRuns {
  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly evaluations: EvaluationRepository,
  ) {}

  /** NOT_FOUND for anything but the id of a stored run (runs have no unique names to look up by). */
  async byId(id: string): Promise<RunEntity> {
    const run = /^[0-9a-f-]{36}$/i.test(id) ? await this.runs.byId(id) : null;
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  /** The run, if its embeddings have been written at least once. */
  async embedded(id: string): Promise<RunEntity> {
    const run = await this.byId(id);
    const set = await this.embeddings.set(run.id);
    if (!set || set.generation === 0) throw new NotFoundError('embeddings of run', id);
    return run;
  }

  async cellLine(run: RunEntity, idOrName: string): Promise<NamedEntity> {
    const lines = await this.evaluations.cellLinesOf(run.screenId);
    const found = lines.find((line) => String(line.id) === idOrName || line.name.toLowerCase() === idOrName.toLowerCase());
    if (!found) throw new NotFoundError('cell line in the screen', idOrName);
    return found;
  }
}
