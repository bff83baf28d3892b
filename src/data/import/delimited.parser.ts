export interface DelimitedRecord {
  line: number;
  fields: string[];
}

/**
 * CSV, or tab-separated when the first line has tabs and no commas; blank lines skipped. Fed in
 * pieces of any size, so a manifest of a million rows is parsed as it is read, never held whole:
 * a record, and a quoted field with line breaks, may span any number of pieces.
 */
export class DelimitedParser {
  private delimiter: string | null = null;
  /** text not consumed yet: all of it until the first line is complete, else at most a trailing '"' or '\r' */
  private pending = '';
  private fields: string[] = [];
  private current = '';
  private quoted = false;
  private line = 1;
  private recordLine = 1;
  private records: DelimitedRecord[] = [];

  /** The records completed by this piece. */
  push(piece: string): DelimitedRecord[] {
    this.pending += piece;
    if (this.delimiter === null) {
      const end = this.pending.search(/\r?\n/);
      if (end < 0) return [];
      this.delimiter = delimiterOf(this.pending.slice(0, end));
    }
    return this.consume(false);
  }

  /** The records left once the text has ended. */
  end(): DelimitedRecord[] {
    if (this.delimiter === null) this.delimiter = delimiterOf(this.pending);
    this.consume(true);
    if (this.current !== '' || this.fields.length > 0) this.endRecord();
    return this.take();
  }

  private consume(final: boolean): DelimitedRecord[] {
    const text = this.pending;
    // a '"' or '\r' at the end means one thing or another depending on the next piece's first character
    const limit = !final && (text.endsWith('"') || text.endsWith('\r')) ? text.length - 1 : text.length;
    let i = 0;
    while (i < limit) {
      const char = text[i];
      if (this.quoted) {
        if (char === '"' && text[i + 1] === '"') {
          this.current += '"';
          i += 1;
        } else if (char === '"') this.quoted = false;
        else {
          if (char === '\n') this.line += 1;
          this.current += char;
        }
      } else if (char === '"') this.quoted = true;
      else if (char === this.delimiter) {
        this.fields.push(this.current);
        this.current = '';
      } else if (char === '\n' || char === '\r') {
        if (char === '\r' && text[i + 1] === '\n') i += 1;
        this.endRecord();
        this.line += 1;
        this.recordLine = this.line;
      } else this.current += char;
      i += 1;
    }
    this.pending = text.slice(i);
    return this.take();
  }

  private endRecord(): void {
    this.fields.push(this.current);
    if (!(this.fields.length === 1 && this.fields[0].trim() === '')) this.records.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.current = '';
  }

  private take(): DelimitedRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }
}

/** A whole text at once (small tables: the BBBC021 layout's CSVs, a generated manifest). */
export function parseDelimited(text: string): DelimitedRecord[] {
  const parser = new DelimitedParser();
  return [...parser.push(text), ...parser.end()];
}

function delimiterOf(firstLine: string): string {
  return firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
}
