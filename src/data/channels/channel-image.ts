/**
 * A decoded image of C channels, 8-bit, planar: data[c * height * width + y * width + x].
 * A grey image is the channels = 1 case.
 */
export interface ChannelImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}
