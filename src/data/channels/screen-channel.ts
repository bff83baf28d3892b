/** One channel of a screen, in the screen's order: its name (e.g. "tubulin") and its role (e.g. "DNA"), if any. */
export interface ScreenChannel {
  name: string;
  role: string | null;
}

/** What every screen without channels is: one grey channel. */
export const GREY_CHANNELS: readonly ScreenChannel[] = [{ name: 'grey', role: null }];
