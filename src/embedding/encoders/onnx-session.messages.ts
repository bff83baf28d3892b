/** What the embed job and its ONNX session thread say to each other. */
export type SessionRequest =
  | { kind: 'open'; model: Uint8Array; threads: number; moduleName: string }
  | { kind: 'run'; pixels: Float32Array; count: number }
  | { kind: 'release' };

export type SessionReply =
  | { kind: 'opened'; device: string }
  | { kind: 'embeddings'; embeddings: Float32Array }
  | { kind: 'released' }
  | { kind: 'error'; message: string };
