import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Services } from '../../src/services';
import { CHANNEL_ROLES, type SyntheticChannel } from '../../src/data/synthetic/channel.catalog';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import type { ScreenPreset } from '../../src/data/synthetic/screen.presets';

/**
 * A generated multi-channel screen, registered: the manifest imported (its `path` column, the
 * first channel's file), then the screen's channels and each image's channel files set as the
 * manifest's FileName_/PathName_ columns name them. Until the importer reads those columns
 * itself (issue 18, the data side), this is how the model side's tests get such a screen.
 */
export async function registerChannelScreen(
  services: Services,
  dataSource: DataSource,
  request: { preset: ScreenPreset; seed: number; name: string; channels: SyntheticChannel[]; dir: string },
): Promise<string> {
  const outDir = path.join(request.dir, request.name);
  await generateScreen({ preset: request.preset, seed: request.seed, outDir, channels: request.channels });
  const { screen } = await services.screens.importScreen({ name: request.name, manifest: path.join(outDir, 'manifest.csv') }, { reach: 'anywhere' });
  const [first, ...others] = request.channels;
  await dataSource.query(`UPDATE screens SET channels = $2 WHERE id = $1`, [screen.id, JSON.stringify(request.channels.map((name) => ({ name, role: CHANNEL_ROLES[name] })))]);
  const replacements = [first, ...others].map((channel) => `replace(path, '_${first}.png', '_${channel}.png')`).join(', ');
  await dataSource.query(`UPDATE images SET channel_paths = ARRAY[${replacements}] WHERE screen_id = $1`, [screen.id]);
  return screen.id;
}
