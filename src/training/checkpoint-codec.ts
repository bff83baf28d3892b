import type { NamedArrays } from './networks/parameter-set';
import type { ParadigmCheckpoint } from './paradigms/trainable-paradigm';
import { PARADIGMS } from './setups';

/**
 * One self-describing buffer per checkpoint, e.g. for a bytea column or a file:
 * "MSCK" magic, uint32 version, uint32 header length, a JSON header (paradigm,
 * optimizer step, and per array its name, shape and byte offset), then the float32 data
 * (little-endian, each array 4-byte aligned).
 */
const MAGIC = 'MSCK';
const VERSION = 1;

interface Entry {
  name: string;
  group: 'weights' | 'optimizer';
  shape: number[];
  offset: number;
}

interface Header {
  paradigm: string;
  /** absent in checkpoints from before screens had channels: 1 */
  inputChannels?: number;
  optimizerStep: number;
  entries: Entry[];
}

export function encodeCheckpoint(checkpoint: ParadigmCheckpoint): Buffer {
  const entries: Entry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (group: Entry['group'], named: NamedArrays) => {
    for (const [name, { shape, data }] of Object.entries(named)) {
      entries.push({ name, group, shape, offset });
      arrays.push(data);
      offset += data.byteLength;
    }
  };
  add('weights', checkpoint.weights);
  add('optimizer', checkpoint.optimizer.moments);
  const header: Header = { paradigm: checkpoint.paradigm, inputChannels: checkpoint.inputChannels, optimizerStep: checkpoint.optimizer.step, entries };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(12 + json.length + offset);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  const base = 12 + json.length;
  for (let i = 0; i < arrays.length; i += 1) {
    const a = arrays[i];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, base + entries[i].offset);
  }
  return out;
}

export function decodeCheckpoint(buffer: Buffer): ParadigmCheckpoint {
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== MAGIC) throw new Error('not a morphospace checkpoint');
  const version = buffer.readUInt32LE(4);
  if (version !== VERSION) throw new Error(`unsupported checkpoint version ${version}`);
  const headerLength = buffer.readUInt32LE(8);
  const header = JSON.parse(buffer.toString('utf8', 12, 12 + headerLength)) as Header;
  if (!(PARADIGMS as readonly string[]).includes(header.paradigm)) throw new Error(`unknown paradigm ${header.paradigm}`);
  const base = 12 + headerLength;
  const weights: NamedArrays = {};
  const moments: NamedArrays = {};
  for (const entry of header.entries) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const start = base + entry.offset;
    if (start + size * 4 > buffer.length) throw new Error(`checkpoint truncated at ${entry.name}`);
    const data = new Float32Array(size);
    Buffer.from(data.buffer).set(buffer.subarray(start, start + size * 4));
    (entry.group === 'weights' ? weights : moments)[entry.name] = { shape: entry.shape, data };
  }
  return {
    paradigm: header.paradigm as ParadigmCheckpoint['paradigm'],
    inputChannels: header.inputChannels ?? 1,
    weights,
    optimizer: { step: header.optimizerStep, moments },
  };
}
