/** A forced training runtime (MORPHOSPACE_TRAINING_RUNTIME=onnx) could not be loaded: the CLI exits 2 with the reason. */
export class TrainingRuntimeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingRuntimeUnavailableError';
  }
}
