import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ScreenChannel } from '../channels/screen-channel';
import type { ImageInspection, ImageInspector } from './image.inspector';

/** What the import needs to know of one image with all its channels; a failure names the channel and its file. */
export type ChannelFilesInspection = { ok: true; width: number; height: number; contentHash: string } | { ok: false; reason: string };

/**
 * Inspects every file of one image. A one-channel screen's image is its one file, as always.
 * With channel paths each channel file must exist, decode and have the first one's size; the
 * image's hash is over all of them in channel order, so a change in any channel changes the
 * screen's content. Without, the one file must be a TIFF with one page per channel.
 */
export async function inspectChannelFiles(
  inspector: ImageInspector,
  root: string,
  image: { path: string; channelPaths: string[] | null },
  channels: readonly ScreenChannel[],
): Promise<ChannelFilesInspection> {
  if (channels.length <= 1) return inspector.inspect(path.join(root, image.path));
  if (!image.channelPaths) {
    const inspection = await inspector.inspect(path.join(root, image.path), { pages: channels.length });
    return inspection.ok ? { ok: true, width: inspection.width, height: inspection.height, contentHash: inspection.contentHash } : inspection;
  }
  const files = image.channelPaths;
  const inspections: ImageInspection[] = [];
  for (const file of files) inspections.push(await inspector.inspect(path.join(root, file)));
  const label = (c: number) => `channel ${channels[c].name} (${files[c]})`;
  const failures = inspections.flatMap((inspection, c) => (inspection.ok ? [] : [`${label(c)}: ${inspection.reason}`]));
  if (failures.length > 0) return { ok: false, reason: failures.join('; ') };
  const sized = inspections as Array<Extract<ImageInspection, { ok: true }>>;
  const [first] = sized;
  const mismatched = sized.flatMap((inspection, c) =>
    inspection.width === first.width && inspection.height === first.height ? [] : [`${label(c)} is ${inspection.width}x${inspection.height}, ${label(0)} is ${first.width}x${first.height}`],
  );
  if (mismatched.length > 0) return { ok: false, reason: `channels differ in size: ${mismatched.join('; ')}` };
  const hash = createHash('sha256');
  for (const inspection of sized) hash.update(`${inspection.contentHash}\n`);
  return { ok: true, width: first.width, height: first.height, contentHash: hash.digest('hex') };
}
