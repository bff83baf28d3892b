import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The dashboard's files: its own (this folder's index.html, heatmap.js, live.js, moa-accuracy.js, dashboard.js, dashboard.css) and
 * the plotting and graphql-ws libraries' browser builds, read from node_modules. Nothing is built or fetched
 * at run time. Found from the TypeScript sources and from dist/ alike: the page's files from
 * the package root's src/api/dashboard, the libraries from the nearest node_modules.
 */
const OWN_FILES: Record<string, string> = {
  '/': 'index.html',
  '/dashboard/heatmap.js': 'heatmap.js',
  '/dashboard/live.js': 'live.js',
  '/dashboard/moa-accuracy.js': 'moa-accuracy.js',
  '/dashboard/image-viewer.js': 'image-viewer.js',
  '/dashboard/dashboard.js': 'dashboard.js',
  '/dashboard/dashboard.css': 'dashboard.css',
};

const VENDOR_FILES: Record<string, string> = {
  '/dashboard/vendor/d3.min.js': 'd3/dist/d3.min.js',
  '/dashboard/vendor/plot.umd.min.js': '@observablehq/plot/dist/plot.umd.min.js',
  // the graphql-ws client for the dashboard's live updates (the package's browser build)
  '/dashboard/vendor/graphql-ws.min.js': 'graphql-ws/umd/graphql-ws.min.js',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

export class DashboardFiles {
  private readonly cache = new Map<string, StaticFile>();
  private readonly ownDir: string;

  constructor(start = __dirname) {
    const root = findUp(start, (dir) => existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'api', 'dashboard', 'index.html')));
    if (!root) throw new Error(`the dashboard's files were not found above ${start}`);
    this.ownDir = path.join(root, 'src', 'api', 'dashboard');
  }

  /** Whether the path is one of the dashboard's. */
  serves(urlPath: string): boolean {
    return urlPath in OWN_FILES || urlPath in VENDOR_FILES;
  }

  async read(urlPath: string): Promise<StaticFile | undefined> {
    const cached = this.cache.get(urlPath);
    if (cached) return cached;
    const file = urlPath in OWN_FILES ? path.join(this.ownDir, OWN_FILES[urlPath]) : urlPath in VENDOR_FILES ? vendorFile(this.ownDir, VENDOR_FILES[urlPath]) : undefined;
    if (!file) return undefined;
    const loaded = { body: await readFile(file), contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' };
    this.cache.set(urlPath, loaded);
    return loaded;
  }
}

function vendorFile(from: string, relative: string): string {
  const dir = findUp(from, (candidate) => existsSync(path.join(candidate, 'node_modules', relative)));
  if (!dir) throw new Error(`${relative} is not installed: run npm install`);
  return path.join(dir, 'node_modules', relative);
}

function findUp(start: string, found: (dir: string) => boolean): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (found(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
