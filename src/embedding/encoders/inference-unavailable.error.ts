/** A forced inference runtime (MORPHOSPACE_INFERENCE=onnx) could not be loaded: the CLI exits 2 with the reason. */
export class InferenceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceUnavailableError';
  }
}
