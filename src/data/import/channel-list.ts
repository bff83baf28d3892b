import { BadUserInputError } from '../../errors/app-errors';
import { GREY_CHANNELS, type ScreenChannel } from '../channels/screen-channel';

/** How an import request names its channels: names (or a page count) and optional roles by name. */
export interface ChannelRequest {
  /** channel names in order, e.g. ['DAPI', 'Tubulin', 'Actin'], or ['3'] for page-1..page-3 */
  channels?: readonly string[] | null;
  /** role of a channel by name, e.g. { DAPI: 'DNA' }; a channel without one has its name as role */
  channelRoles?: Readonly<Record<string, string>> | null;
}

/** Enough for Cell Painting's five plus brightfield planes; a longer list is a mistake in the request. */
export const MAX_CHANNELS = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The names asked for: none, a list of at least two, or a page count expanded to page-1..page-n. */
export function requestedChannelNames(request: ChannelRequest): string[] | undefined {
  const given = (request.channels ?? []).map((name) => name.trim()).filter((name) => name !== '');
  if (given.length === 0) return undefined;
  const names = given.length === 1 && /^\d+$/.test(given[0]) ? Array.from({ length: Number(given[0]) }, (_, i) => `page-${i + 1}`) : given;
  if (names.length < 2) throw new BadUserInputError('a screen of one channel is a grey screen: give two or more channels, or none', 'channels');
  if (names.length > MAX_CHANNELS) throw new BadUserInputError(`at most ${MAX_CHANNELS} channels, got ${names.length}`, 'channels');
  for (const name of names) {
    if (!NAME.test(name)) throw new BadUserInputError(`channel name "${name}" is not 1-64 letters, digits, ".", "_" or "-"`, 'channels');
  }
  const lower = names.map((name) => name.toLowerCase());
  const repeated = names.find((_, i) => lower.indexOf(lower[i]) !== i);
  if (repeated) throw new BadUserInputError(`channel "${repeated}" is named twice`, 'channels');
  return names;
}

/** The screen's ordered channels: one grey channel unless there are several names. */
export function screenChannels(names: readonly string[] | undefined, roles: ChannelRequest['channelRoles']): ScreenChannel[] {
  const given = Object.entries(roles ?? {});
  if (!names || names.length < 2) {
    if (given.length > 0) throw new BadUserInputError('channel roles are for a screen of several channels; this one is grey', 'channelRoles');
    return GREY_CHANNELS.map((channel) => ({ ...channel }));
  }
  const unknown = given.filter(([name]) => !names.some((channel) => channel.toLowerCase() === name.toLowerCase()));
  if (unknown.length > 0) throw new BadUserInputError(`channel roles name channel(s) the screen does not have: ${unknown.map(([name]) => name).join(', ')} (it has ${names.join(', ')})`, 'channelRoles');
  return names.map((name) => {
    const role = given.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1].trim();
    return { name, role: role || name };
  });
}
