/** Labels 1..count of a mask's 8-connected components; 0 is background. */
export interface ComponentLabels {
  labels: Int32Array;
  count: number;
}

/**
 * Two-pass labelling with union-find over the 8-connected neighbours already
 * visited (W, NW, N, NE); labels are then renumbered 1..count in raster order
 * of each component's first pixel.
 */
export function labelComponents(mask: Uint8Array, width: number, height: number): ComponentLabels {
  const labels = new Int32Array(width * height);
  // a new provisional label needs a background pixel to its west: at most ceil(width / 2) per row; parent[0] is unused
  const parent = new Int32Array(Math.ceil(width / 2) * height + 1);
  let next = 1;
  const find = (label: number): number => {
    let root = label;
    while (parent[root] !== root) root = parent[root];
    while (parent[label] !== root) {
      const up = parent[label];
      parent[label] = root;
      label = up;
    }
    return root;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    const low = ra < rb ? ra : rb;
    parent[ra] = low;
    parent[rb] = low;
    return low;
  };
  const merge = (label: number, neighbour: number): number =>
    neighbour === 0 || neighbour === label ? label : label === 0 ? neighbour : union(label, neighbour);

  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      const i = row + x;
      if (mask[i] === 0) continue;
      let label = x > 0 ? labels[i - 1] : 0;
      if (y > 0) {
        const above = i - width;
        label = merge(label, x > 0 ? labels[above - 1] : 0);
        label = merge(label, labels[above]);
        label = merge(label, x < width - 1 ? labels[above + 1] : 0);
      }
      if (label === 0) {
        label = next;
        parent[label] = label;
        next += 1;
      }
      labels[i] = label;
    }
  }

  const compact = new Int32Array(next);
  let count = 0;
  for (let label = 1; label < next; label += 1) {
    const root = find(label);
    if (compact[root] === 0) compact[root] = ++count;
    compact[label] = compact[root];
  }
  for (let i = 0; i < labels.length; i += 1) if (labels[i] !== 0) labels[i] = compact[labels[i]];
  return { labels, count };
}
