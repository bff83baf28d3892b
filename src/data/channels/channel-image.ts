/**
 * A decoded 8-bit image with `channels` planes, planar: pixel (c, y, x) is
 * data[c * height * width + y * width + x]. A grey image is the case channels = 1, whose
 * layout is the plain row-major one.
 */
export interface ChannelImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Channels as the files hold them, before normalisation: one plane per channel at the file's
 * own bit depth (0..255 for 8-bit files, 0..65535 for 16-bit), so percentiles of a 16-bit
 * plate that uses a few thousand grey levels are not rounded to a few 8-bit ones first.
 */
export interface ChannelPlanes {
  planes: Uint16Array[];
  width: number;
  height: number;
  /** the largest value the files' bit depth can hold: 255 or 65535 */
  maxValue: number;
}
