import { describe, expect, it } from 'vitest';
import { compilePattern, PatternError, rowsFromFileNames } from '../../src/data/import/file-name.pattern';
import { checkRow, resolveImagePath } from '../../src/data/import/import-row';
import { ManifestFormatError } from '../../src/data/import/manifest.reader';
import { readManifestText } from '../support/manifest-text';

describe('manifest reader', () => {
  it('numbers records by the line they start on, through quoted commas, quotes and line breaks', async () => {
    const text = 'path,cell_line,compound,concentration,plate,well\n"a,1.png",ACHN,"say ""hi""",1,P1,A01\n\n"b\n2.png",ACHN,DMSO,0,P1,A02\r\nc.png,ACHN,DMSO,0,P1,A03\n';
    const { rows } = await readManifestText(text);
    expect(rows.map((row) => [row.line, row.fields.path, row.fields.compound])).toEqual([
      [2, 'a,1.png', 'say "hi"'],
      [4, 'b\n2.png', 'DMSO'],
      [6, 'c.png', 'DMSO'],
    ]);
  });

  it('reads the same rows whatever the pieces the text arrives in, split inside quotes, "" and \\r\\n', async () => {
    const text = '\uFEFFpath,cell_line,compound,concentration,plate,well\r\n"a,1.png",ACHN,"say ""hi""",1,P1,A01\r\n\r\n"b\r\n2.png",ACHN,DMSO,0,P1,A02\rc.png,ACHN,DMSO,0,P1,A03';
    const whole = await readManifestText(text);
    expect(whole.rows.map((row) => [row.line, row.fields.path, row.fields.compound])).toEqual([
      [2, 'a,1.png', 'say "hi"'],
      [4, 'b\r\n2.png', 'DMSO'],
      [6, 'c.png', 'DMSO'],
    ]);
    for (let size = 1; size < text.length; size += 1) expect(await readManifestText(text, {}, size)).toEqual(whole);
  });

  it('reads tab-separated manifests and a byte-order mark', async () => {
    const { rows, columns } = await readManifestText('\uFEFFMetadata_Plate\tMetadata_Well\tMetadata_Compound\tMetadata_Concentration\tMetadata_CellLine\tFileName_DNA\nP\tA01\tX\t1\tL\tf.tif\n');
    expect(rows[0].fields).toMatchObject({ plate: 'P', well: 'A01', compound: 'X', concentration: '1', cell_line: 'L', path: 'f.tif' });
    expect(columns.path).toEqual({ pathName: null, fileName: 'FileName_DNA' });
  });

  it('prefers the canonical column and names the missing ones with their accepted aliases', async () => {
    const { rows } = await readManifestText('compound,Metadata_pert_iname,path,cell_line,concentration,plate,well\nA,B,p.png,L,1,P,W\n');
    expect(rows[0].fields.compound).toBe('A');
    await expect(readManifestText('path,compound\np.png,X\n')).rejects.toThrow(ManifestFormatError);
    await expect(readManifestText('path,compound\np.png,X\n')).rejects.toThrow(/cell_line: cell_line \| Metadata_CellLine/);
  });
});

describe('row checks', () => {
  const root = '/data/screen';
  const fields = { path: 'a.png', cell_line: 'L', compound: 'X', concentration: '1', plate: 'P', well: 'A01' };

  it('collects every problem of a row', () => {
    const result = checkRow({ line: 9, fields: { path: '../x.png', compound: 'X', concentration: '1e', plate: 'P', well: 'A01', site: '1.5', control: 'maybe' } }, root);
    expect(result.row).toBeNull();
    expect(result.problems).toEqual([
      expect.stringMatching(/outside the root/),
      'cell_line is missing',
      'control must be true or false, got "maybe"',
      'concentration is not a number: "1e"',
      'site is not a whole number: "1.5"',
    ]);
  });

  it('defaults site to 1 and control by name; controls may omit their dose', () => {
    expect(checkRow({ line: 2, fields }, root).row).toMatchObject({ site: 1, control: false, moa: null, concentration: 1 });
    expect(checkRow({ line: 2, fields: { ...fields, compound: 'dmso', concentration: '' } }, root).row).toMatchObject({ control: true, concentration: 0 });
    expect(checkRow({ line: 2, fields: { ...fields, compound: 'Vehicle', control: 'yes', concentration: '' } }, root).row).toMatchObject({ control: true });
    expect(checkRow({ line: 2, fields: { ...fields, concentration: '' } }, root).problems).toEqual(['concentration is missing']);
    expect(checkRow({ line: 2, fields: { ...fields, concentration: 'Infinity' } }, root).problems).toHaveLength(1);
  });

  it('keeps paths inside the root', () => {
    expect(resolveImagePath('/data/screen/p/a.png', root)).toBe('p/a.png');
    expect(resolveImagePath('/elsewhere/a.png', root)).toEqual({ problem: expect.stringMatching(/outside the root/) });
  });
});

describe('file-name patterns', () => {
  const pattern = compilePattern('{cell_line}_{_}_{plate}_{well}_{compound}_{concentration}_{site}.png');

  it('takes the fields from the file name, ignoring {_} and the directories', () => {
    expect(pattern.parse('deep/dir/ACHN_x_P1_A01_17-AAG_0.125_3.png')).toEqual({
      path: 'deep/dir/ACHN_x_P1_A01_17-AAG_0.125_3.png',
      cell_line: 'ACHN',
      plate: 'P1',
      well: 'A01',
      compound: '17-AAG',
      concentration: '0.125',
      site: '3',
    });
    expect(pattern.parse('ACHN_P1_A01.png')).toBeNull();
  });

  it('matches the relative path when the pattern has a "/"', () => {
    const byPath = compilePattern('{plate}/{cell_line}-{compound}-{concentration}-{well}.tif');
    expect(byPath.parse('P9/HT29-DMSO-0-B02.tif')).toMatchObject({ plate: 'P9', well: 'B02' });
    expect(byPath.parse('x/P9/HT29-DMSO-0-B02.tif')).toBeNull();
  });

  it('numbers files by their place in the listing and lists the ones that do not match', () => {
    const { rows, unmatched } = rowsFromFileNames(['a.png', 'L_x_P_W_C_1_1.png'], pattern);
    expect(rows.map((row) => row.line)).toEqual([2]);
    expect(unmatched).toEqual([{ line: 1, path: 'a.png' }]);
  });

  it('refuses unknown, repeated, adjacent or missing placeholders', () => {
    expect(() => compilePattern('{cell_line}_{dose}.png')).toThrow(PatternError);
    expect(() => compilePattern('{cell_line}_{cell_line}_{compound}_{concentration}_{plate}_{well}')).toThrow(/twice/);
    expect(() => compilePattern('{cell_line}{compound}_{concentration}_{plate}_{well}')).toThrow(/text between/);
    expect(() => compilePattern('{cell_line}_{compound}.png')).toThrow(/lacks \{concentration\}, \{plate\}, \{well\}/);
  });
});
