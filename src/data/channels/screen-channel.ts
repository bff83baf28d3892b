/**
 * One channel of a screen: its name as the screen's files call it (e.g. DAPI, or a CellProfiler
 * column suffix) and the biological role it shows (e.g. DNA, tubulin, actin; 'grey' for a
 * single-channel screen). A screen's channels are an ordered list: the order of the planes of
 * every ChannelImage of the screen.
 */
export interface ScreenChannel {
  name: string;
  role: string;
}

/** What every screen was before channels existed, and what a grey screen still is. */
export const GREY_CHANNELS: readonly ScreenChannel[] = [{ name: 'grey', role: 'grey' }];
