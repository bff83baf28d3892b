import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Screen, Setup } from './catalog.types';
import { ConnectionType } from './connection.type';

export enum RunStatusValue {
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
}
registerEnumType(RunStatusValue, { name: 'RunStatus' });

@ObjectType({ description: 'One setup trained on one screen' })
export class Run {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  sweepId: string | null;

  @Field(() => Setup)
  setup: Setup;

  @Field(() => Int, { description: "which of its sweep's replicates (from 0); its seed is the sweep's seed plus this" })
  replicate: number;

  @Field(() => Screen)
  screen: Screen;

  @Field(() => RunStatusValue)
  status: RunStatusValue;

  @Field(() => String, { nullable: true, description: 'tfjs backend: tensorflow, webgpu, wasm or cpu' })
  backend: string | null;

  @Field(() => String, { nullable: true })
  device: string | null;

  @Field(() => String, { nullable: true, description: 'what ran its training steps: onnx (onnxruntime-node) or wasm (tfjs on its backend); null before training' })
  trainingRuntime: string | null;

  @Field(() => String, { nullable: true, description: 'what embedded the run last: onnx (onnxruntime-node) or the tfjs backend (wasm, ...); null before its first embedding' })
  embeddingRuntime: string | null;

  @Field(() => GraphQLJSONObject)
  config: Record<string, unknown>;

  @Field(() => Int)
  epochsCompleted: number;

  @Field(() => GraphQLJSONObject, { nullable: true })
  resources: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  error: string | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;
}

@ObjectType({ description: "A run's encoder exported to ONNX, stored beside its checkpoint" })
export class OnnxModel {
  @Field(() => String, { description: 'file on the server' })
  path: string;

  @Field(() => Int)
  bytes: number;

  @Field(() => String)
  sha256: string;

  @Field(() => Int, { description: 'the checkpoint epoch it was built from' })
  epoch: number;
}

export const RunConnection = ConnectionType(Run);
