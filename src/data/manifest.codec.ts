/**
 * manifest.csv: one row per image, the contract between a screen on disk and
 * the importer. Paths are relative to the manifest's directory.
 */
export const MANIFEST_COLUMNS = ['path', 'cell_line', 'compound', 'concentration', 'plate', 'well', 'site', 'moa', 'control'] as const;

export interface ManifestRow {
  path: string;
  cellLine: string;
  compound: string;
  /** uM; 0 for controls */
  concentration: number;
  plate: string;
  well: string;
  site: number;
  moa: string;
  control: boolean;
}

export function manifestHeader(): string {
  return `${MANIFEST_COLUMNS.join(',')}\n`;
}

export function manifestLine(row: ManifestRow): string {
  return `${[row.path, row.cellLine, row.compound, String(row.concentration), row.plate, row.well, String(row.site), row.moa, row.control ? 'true' : 'false']
    .map(csvField)
    .join(',')}\n`;
}

/** Parses a whole manifest; throws with the line number on malformed input. */
export function parseManifest(text: string): ManifestRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error('manifest is empty');
  const header = parseCsvLine(lines[0]);
  const columns = new Map(header.map((name, i) => [name.trim(), i]));
  for (const name of MANIFEST_COLUMNS) {
    if (!columns.has(name)) throw new Error(`manifest lacks column "${name}"`);
  }
  const col = (fields: string[], name: (typeof MANIFEST_COLUMNS)[number]): string => fields[columns.get(name) as number] ?? '';
  return lines.slice(1).map((line, i) => {
    const fields = parseCsvLine(line);
    const concentration = Number(col(fields, 'concentration'));
    const site = Number(col(fields, 'site'));
    const control = col(fields, 'control').toLowerCase();
    if (!Number.isFinite(concentration) || !Number.isInteger(site) || !['true', 'false', '1', '0'].includes(control)) {
      throw new Error(`manifest line ${i + 2}: bad concentration, site or control`);
    }
    return {
      path: col(fields, 'path'),
      cellLine: col(fields, 'cell_line'),
      compound: col(fields, 'compound'),
      concentration,
      plate: col(fields, 'plate'),
      well: col(fields, 'well'),
      site,
      moa: col(fields, 'moa'),
      control: control === 'true' || control === '1',
    };
  });
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields;
}
