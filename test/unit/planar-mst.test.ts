import { describe, expect, it } from 'vitest';
import { euclideanDistanceMatrix, hdbscanFromDistances, hdbscanSweep } from '../../src/evaluation/hdbscan.clusterer';
import { planarMst } from '../../src/evaluation/planar-mst';
import { primMstOfPoints, type Edge } from '../../src/evaluation/single-linkage.tree';
import { matrixFromRows } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';

function byWeight(edges: Edge[]): Edge[] {
  return [...edges].sort((x, y) => x.weight - y.weight);
}

function prim(rows: number[][]): Edge[] {
  return primMstOfPoints(matrixFromRows(rows), new Float64Array(rows.length));
}

describe('planar minimum spanning tree (Delaunay + Kruskal)', () => {
  it('is Prim\'s tree edge for edge, each edge oriented as Prim grows it from point 0', () => {
    const random = new SeededRandom('planar-mst');
    const rows = Array.from({ length: 3000 }, (_, i) => [random.normal() * (1 + (i % 5)), random.normal() + (i % 7)]);
    const planar = planarMst(matrixFromRows(rows));
    expect(planar).toHaveLength(rows.length - 1);
    expect(byWeight(planar!)).toEqual(byWeight(prim(rows)));
  });

  it('takes collinear points, which have no triangle, along their line', () => {
    const rows = [5, 1, 4.2, 0, 2.5, 3.1].map((t) => [t, 2 * t]);
    expect(byWeight(planarMst(matrixFromRows(rows))!)).toEqual(byWeight(prim(rows)));
  });

  it('is undefined when repeated points leave the triangulation short, and HDBSCAN then falls back to Prim', () => {
    const random = new SeededRandom('planar-mst-repeats');
    const rows = Array.from({ length: 200 }, (_, i) => [random.normal() + (i % 2) * 6, random.normal()]);
    rows.push([...rows[10]], [...rows[11]]);
    const points = matrixFromRows(rows);
    expect(planarMst(points)).toBeUndefined();
    const [swept] = hdbscanSweep(points, [5], { minSamples: 1 });
    const dense = hdbscanFromDistances(euclideanDistanceMatrix(points), points.rows, { minClusterSize: 5, minSamples: 1 });
    expect(Array.from(swept.labels)).toEqual(Array.from(dense.labels));
    expect(swept.clusterCount).toBeGreaterThanOrEqual(2);
  });
});
