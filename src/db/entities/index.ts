import { ApiKeyEntity } from './api-key.entity';
import { CellLineEntity } from './cell-line.entity';
import { CompoundEntity } from './compound.entity';
import { EmbeddingEntity } from './embedding.entity';
import { EmbeddingSetEntity } from './embedding-set.entity';
import { EvaluationEntity } from './evaluation.entity';
import { ImageEntity } from './image.entity';
import { ProfileEntity } from './profile.entity';
import { RunEpochEntity } from './run-epoch.entity';
import { RunEntity } from './run.entity';
import { ScreenEntity } from './screen.entity';
import { SetupEntity } from './setup.entity';
import { SweepEntity } from './sweep.entity';

export const ENTITIES = [
  ScreenEntity,
  CellLineEntity,
  CompoundEntity,
  ImageEntity,
  SetupEntity,
  SweepEntity,
  RunEntity,
  RunEpochEntity,
  EmbeddingEntity,
  EmbeddingSetEntity,
  ProfileEntity,
  EvaluationEntity,
  ApiKeyEntity,
];
