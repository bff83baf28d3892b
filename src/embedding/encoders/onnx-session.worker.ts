import { parentPort } from 'node:worker_threads';
import { OnnxSession } from './onnx-session';
import type { SessionReply, SessionRequest } from './onnx-session.messages';
import { errorMessage } from '../../util/error-text';

/** The thread an ONNX session runs on, so that the embed job decodes the next images meanwhile. */
let session: OnnxSession | undefined;

parentPort!.on('message', (request: SessionRequest) => {
  handle(request).then(
    (reply) => parentPort!.postMessage(reply, reply.kind === 'embeddings' ? [reply.embeddings.buffer as ArrayBuffer] : []),
    (error: unknown) => parentPort!.postMessage({ kind: 'error', message: errorMessage(error) } satisfies SessionReply),
  );
});

async function handle(request: SessionRequest): Promise<SessionReply> {
  switch (request.kind) {
    case 'open':
      session = await OnnxSession.open(request.model, request.threads, request.moduleName);
      return { kind: 'opened', device: session.device };
    case 'run':
      if (!session) throw new Error('no ONNX session is open on this thread');
      return { kind: 'embeddings', embeddings: await session.run(request.pixels, request.count) };
    case 'release':
      await session?.release();
      session = undefined;
      return { kind: 'released' };
  }
}
