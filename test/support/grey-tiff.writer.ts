/**
 * A minimal baseline TIFF writer for tests: uncompressed, one grey sample per pixel, 8 or 16
 * bits, little-endian, one page per plane. What microscopes write, which sharp's own TIFF
 * output (it goes through sRGB) is not.
 */
export function encodeGreyTiff(planes: ReadonlyArray<Uint8Array | Uint16Array>, width: number, height: number): Buffer {
  const bits = planes[0] instanceof Uint16Array ? 16 : 8;
  const bytesPerPlane = width * height * (bits / 8);
  const entries = 9;
  const ifdSize = 2 + entries * 12 + 4;
  const pageSize = ifdSize + bytesPerPlane;
  const out = Buffer.alloc(8 + planes.length * pageSize);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  planes.forEach((plane, page) => {
    const ifd = 8 + page * pageSize;
    const pixels = ifd + ifdSize;
    const tags: Array<[number, number, number]> = [
      [256, 4, width],
      [257, 4, height],
      [258, 3, bits],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, pixels],
      [277, 3, 1],
      [278, 4, height],
      [279, 4, bytesPerPlane],
    ];
    out.writeUInt16LE(entries, ifd);
    tags.forEach(([tag, type, value], i) => {
      const at = ifd + 2 + i * 12;
      out.writeUInt16LE(tag, at);
      out.writeUInt16LE(type, at + 2);
      out.writeUInt32LE(1, at + 4);
      if (type === 3) out.writeUInt16LE(value, at + 8);
      else out.writeUInt32LE(value, at + 8);
    });
    out.writeUInt32LE(page + 1 < planes.length ? ifd + pageSize : 0, ifd + 2 + entries * 12);
    for (let i = 0; i < width * height; i += 1) {
      if (bits === 16) out.writeUInt16LE(plane[i], pixels + i * 2);
      else out[pixels + i] = plane[i];
    }
  });
  return out;
}
