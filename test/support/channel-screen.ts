import path from 'node:path';
import type { Services } from '../../src/services';
import { CHANNEL_ROLES, type SyntheticChannel } from '../../src/data/synthetic/channel.catalog';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import type { ScreenPreset } from '../../src/data/synthetic/screen.presets';

/**
 * A generated multi-channel screen, imported as any screen is: its manifest's FileName_<ch>/PathName_<ch>
 * columns give the channels and each image's channel files, the catalog gives each channel's role
 * (dna is the DNA channel the classical features segment on).
 */
export async function registerChannelScreen(
  services: Services,
  request: { preset: ScreenPreset; seed: number; name: string; channels: SyntheticChannel[]; dir: string },
): Promise<string> {
  const outDir = path.join(request.dir, request.name);
  await generateScreen({ preset: request.preset, seed: request.seed, outDir, channels: request.channels });
  const channelRoles = Object.fromEntries(request.channels.map((name) => [name, CHANNEL_ROLES[name]]));
  const { screen } = await services.screens.importScreen({ name: request.name, manifest: path.join(outDir, 'manifest.csv'), channelRoles }, { reach: 'anywhere' });
  return screen.id;
}
