/** Benchmarks and machine-readable commands print one JSON object per line. */
export function printJsonLine(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}
