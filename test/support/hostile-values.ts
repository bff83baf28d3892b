import type { SeededRandom } from '../../src/util/seeded-random';

/** Strings a hostile client puts where ids and names go. None contains what the leak check looks for. */
export const SQLISH = ["' OR '1'='1", '1; DROP TABLE runs; --', "'); delete from sweeps; --", '1 OR 1=1', '$1', "\\'; select pg_sleep(10); --", '%', '_', "E'\\x00'"];
export const PATHISH = ['../../../../etc/passwd', '/etc/shadow', '..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'file:///etc/hosts', '/proc/self/environ', '~/.ssh/id_rsa', '\\\\server\\share', 'C:\\Windows\\System32'];
export const UNICODE = ['\u0000', '\ud800', '\udfff\ud800', '\u202e\u0645\u0631\u062d\u0628\u0627', '💥🧫🔬', 'Ω≈ç√∫˜µ≤≥÷', '\uFEFF', 'e\u0301\u0301\u0301\u0301', '\u2028\u2029', 'ｆｕｌｌｗｉｄｔｈ', '\u{10FFFF}'];

export function junkString(random: SeededRandom): string {
  switch (random.int(0, 7)) {
    case 0:
      return random.pick(SQLISH);
    case 1:
      return random.pick(PATHISH);
    case 2:
      return Array.from({ length: random.int(1, 12) }, () => random.pick(UNICODE)).join('');
    case 3:
      return 'x'.repeat(random.pick([0, 1, 255, 4096, 65_536]));
    case 4:
      return random.pick(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '-1', '0', '4294967296', '1e10', 'null', 'undefined', 'NaN']);
    case 5:
      return String.fromCharCode(...Array.from({ length: random.int(1, 40) }, () => random.int(0, 0xffff)));
    default:
      return random.pick(['DMSO', 'tiny', 'quick', 'COSINE', 'A01', 'admin', 'writer']);
  }
}

/** Int-shaped and not: GraphQL Int is 32 bits. */
export const JUNK_INTS = [0, -1, 1, 10, 100, 101, 1000, 1_000_000, 2_147_483_647, -2_147_483_648, 2_147_483_648, 9_007_199_254_740_993, 1.5, -0.5, 1e300];
/** Floats finite in JSON whose square or 32-bit form is not. */
export const JUNK_FLOATS = [0, -0, 1e-320, 1e30, 3.5e38, 1e39, 1e300, -1e308, 1.7976931348623157e308, 5e-324];

/** A JSON value of some other kind than the one asked for. */
export function wrongKind(random: SeededRandom, depth = 0): unknown {
  switch (random.int(0, depth > 2 ? 5 : 7)) {
    case 0:
      return junkString(random);
    case 1:
      return random.pick(JUNK_INTS);
    case 2:
      return random.pick([true, false]);
    case 3:
      return null;
    case 4:
      return random.pick(JUNK_FLOATS);
    case 5:
      return Array.from({ length: random.int(0, 4) }, () => wrongKind(random, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: random.int(0, 3) }, (_, i) => [random.pick(['__proto__', 'constructor', 'k', 'first', `f${i}`]), wrongKind(random, depth + 1)]));
  }
}

/** An enum value: a bare name in a literal, a string in JSON variables. */
export class EnumValue {
  constructor(readonly name: string) {}

  toJSON(): string {
    return this.name;
  }
}

/** A JSON value as a GraphQL literal; object keys that are not GraphQL names become `bad`. */
export function literal(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as object).map(([key, item]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(key) ? key : 'bad'}: ${literal(item)}`).join(', ')} }`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** A 2048-d query vector filled with one hostile value, or of the wrong length. */
export function hostileVector(random: SeededRandom): unknown[] {
  const length = random.pick([2048, 2048, 2048, 0, 1, 2047, 2049, 10_000]);
  const fill = random.pick<unknown>([...JUNK_FLOATS, 'NaN', 'Infinity', null, '1e999', true]);
  const vector: unknown[] = new Array(length).fill(random.chance(0.5) ? fill : 0.5);
  if (length > 0) vector[random.int(0, length)] = fill;
  return vector;
}
