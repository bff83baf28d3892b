import { serveThreadRequests } from '../../util/thread-pool';
import { renderImageBatch } from './image-batch.renderer';

/** Worker thread of the screen generator: a batch of images per message, their PNGs back. */
serveThreadRequests(renderImageBatch);
