import { parentPort } from 'node:worker_threads';
import { errorText } from '../util/error-text';
import { HnswGraph } from './hnsw.index';
import { VectorIndex } from './vector-index';
import type { SearchWorkerRequest, SearchWorkerReply } from './search-worker.pool';
import { rowsOf } from './vector-rows';

/**
 * Worker thread of SearchWorkerPool: holds its own copy of each attached index's graph (read
 * from the file the pool wrote) over the same vectors (shared memory, or the index's file through
 * a descriptor of its own), and answers searches.
 */
const indexes = new Map<number, VectorIndex>();

function reply(message: SearchWorkerReply): void {
  parentPort!.postMessage(message);
}

parentPort?.on('message', (message: SearchWorkerRequest) => {
  switch (message.type) {
    case 'attach': {
      const { parts, graphFile } = message;
      HnswGraph.read(graphFile, parts.projection.outputDimensions)
        .then((graph) => {
          indexes.set(message.index, new VectorIndex({ ...parts, vectors: rowsOf(parts.vectors), graph }));
          reply({ type: 'attached', index: message.index });
        })
        .catch((error: unknown) => reply({ type: 'attach-failed', index: message.index, error: errorText(error) }));
      return;
    }
    case 'detach':
      indexes.get(message.index)?.close();
      indexes.delete(message.index);
      return;
    case 'search': {
      const index = indexes.get(message.index);
      try {
        if (!index) throw new Error(`index ${message.index} is not attached`);
        const hits = index.search(message.query, message.k, { exclude: new Set(message.exclude) });
        reply({ type: 'result', request: message.request, hits });
      } catch (error) {
        reply({ type: 'error', request: message.request, error: errorText(error) });
      }
    }
  }
});
