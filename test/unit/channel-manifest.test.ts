import { describe, expect, it } from 'vitest';
import { requestedChannelNames, screenChannels } from '../../src/data/import/channel-list';
import { checkRow } from '../../src/data/import/import-row';
import { ManifestFormatError } from '../../src/data/import/manifest.reader';
import { readManifestText } from '../support/manifest-text';
import { BadUserInputError } from '../../src/errors/app-errors';

const HEADER = 'Metadata_Plate,Metadata_Well,Metadata_Compound,Metadata_Concentration,Metadata_CellLine';

describe('multi-channel manifests', () => {
  it('takes every FileName_<channel> column, in column order, joined to its PathName_', async () => {
    const { columns, rows } = await readManifestText(`${HEADER},FileName_DNA,PathName_DNA,FileName_ER,FileName_Mito,PathName_Mito\nP,A01,X,1,L,d.tif,/dna/,e.tif,m.tif,mito\n`);
    expect(columns.channels?.map((channel) => channel.name)).toEqual(['DNA', 'ER', 'Mito']);
    expect(rows[0].channelPaths).toEqual(['/dna/d.tif', 'e.tif', 'mito/m.tif']);
    expect(rows[0].fields.path).toBe('/dna/d.tif');
  });

  it('keeps one FileName_ column a grey screen, and picks and orders columns by the names asked for', async () => {
    expect((await readManifestText(`${HEADER},FileName_DNA\nP,A01,X,1,L,d.tif\n`)).rows[0].channelPaths).toBeUndefined();
    const picked = await readManifestText(`${HEADER},FileName_DNA,FileName_ER,FileName_Mito\nP,A01,X,1,L,d,e,m\n`, { channels: ['mito', 'DNA'] });
    expect(picked.rows[0].channelPaths).toEqual(['m', 'd']);
    await expect(readManifestText(`${HEADER},FileName_DNA,FileName_ER\nP,A01,X,1,L,d,e\n`, { channels: ['DNA', 'RNA'] })).rejects.toThrow(ManifestFormatError);
    // names that no FileName_ column has are the pages of one file
    expect((await readManifestText(`path,cell_line,compound,concentration,plate,well\nx.tif,L,X,1,P,A01\n`, { channels: ['dna', 'actin'] })).rows[0].channelPaths).toBeUndefined();
  });

  it('checks every channel path against the root, naming the channel', () => {
    const raw = { line: 4, fields: { path: 'a.png', cell_line: 'L', compound: 'X', concentration: '1', plate: 'P', well: 'A01' }, channelPaths: ['a.png', '../b.png'] };
    const result = checkRow(raw, '/screen', ['DNA', 'ER']);
    expect(result.row).toBeNull();
    expect(result.problems).toEqual(['channel ER: path "../b.png" is outside the root directory /screen']);
    expect(checkRow({ ...raw, channelPaths: ['a.png', 'b.png'] }, '/screen', ['DNA', 'ER']).row?.channelPaths).toEqual(['a.png', 'b.png']);
  });
});

describe('channel lists', () => {
  it('names pages page-1..n from a count and refuses one channel, repeats and bad names', () => {
    expect(requestedChannelNames({ channels: ['3'] })).toEqual(['page-1', 'page-2', 'page-3']);
    expect(requestedChannelNames({ channels: [] })).toBeUndefined();
    expect(() => requestedChannelNames({ channels: ['dna'] })).toThrow(BadUserInputError);
    expect(() => requestedChannelNames({ channels: ['dna', 'DNA'] })).toThrow(/named twice/);
    expect(() => requestedChannelNames({ channels: ['dna', 'a b'] })).toThrow(/not 1-64 letters/);
  });

  it('gives roles by name, the name by default, and refuses roles for channels the screen lacks', () => {
    expect(screenChannels(['DAPI', 'Actin'], { dapi: 'DNA' })).toEqual([
      { name: 'DAPI', role: 'DNA' },
      { name: 'Actin', role: 'Actin' },
    ]);
    expect(screenChannels(undefined, null)).toEqual([{ name: 'grey', role: 'grey' }]);
    expect(() => screenChannels(['DAPI', 'Actin'], { RNA: 'RNA' })).toThrow(/does not have: RNA/);
  });
});
