import { InputError, LimitError } from '@bulwark/core';

/** A JSON value cut out of the stream, with the line it starts on. */
export interface JsonPiece {
  text: string;
  line: number;
  /** `item`: an element of a top-level `items` array or of a top-level array; `top`: a top-level object (its `items` emptied). */
  where: 'item' | 'top';
}

export interface JsonSplitterLimits {
  /** Largest piece (one item, or a top-level object without its items). */
  maxDocumentBytes: number;
  maxDepth: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJ = 123;
const CLOSE_OBJ = 125;
const OPEN_ARR = 91;
const CLOSE_ARR = 93;
const COLON = 58;
const COMMA = 44;
const NL = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** Text collected across chunks. */
class Capture {
  parts: string[] = [];
  length = 0;
  /** Index in the current chunk where the uncollected part starts; -1 when paused or inactive. */
  start = -1;
  active = false;
  line = 0;

  begin(at: number, line: number): void {
    this.parts = [];
    this.length = 0;
    this.start = at;
    this.active = true;
    this.line = line;
  }

  take(chunk: string, end: number): void {
    if (this.start >= 0 && end > this.start) {
      this.parts.push(chunk.slice(this.start, end));
      this.length += end - this.start;
    }
    this.start = -1;
  }

  add(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }

  finish(chunk: string, end: number): string {
    this.take(chunk, end);
    this.active = false;
    const text = this.parts.join('');
    this.parts = [];
    return text;
  }
}

/**
 * Cuts a stream of concatenated JSON values (`kubectl get -o json` output: a `List`, several of them, or a top-level
 * array) into pieces small enough to parse one at a time: each element of a top-level object's `items` array, each
 * element of a top-level array, and each top-level object with its `items` replaced by `[]`. Only the piece being
 * read is held, never the whole text. Structure is tracked with strings and escapes honoured; values are parsed by
 * the caller with `JSON.parse`.
 */
export class JsonSplitter {
  private readonly stack: number[] = [];
  private inString = false;
  private escape = false;
  private line = 1;
  private readonly top = new Capture();
  private readonly item = new Capture();
  private readonly key = new Capture();
  /** Stack depth at which array elements are items (0: none). */
  private itemDepth = 0;
  private topIsObject = false;
  private expectKey = false;
  private lastKey = '';
  private valuePending = false;
  private topPaused = false;

  constructor(
    private readonly file: string,
    private readonly limits: JsonSplitterLimits,
    private readonly emit: (piece: JsonPiece) => void,
  ) {}

  feed(chunk: string): void {
    const stack = this.stack;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NL) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.key.active) this.endKey(chunk, i + 1);
        }
        continue;
      }
      const depth = stack.length;
      if (c === QUOTE) {
        this.inString = true;
        if (depth === 0) this.fail('a JSON object or array');
        if (depth === 1 && this.topIsObject && this.expectKey) this.key.begin(i, this.line);
        else this.valuePending = false;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (depth === 0) {
          this.topIsObject = c === OPEN_OBJ;
          if (this.topIsObject) {
            this.top.begin(i, this.line);
            this.expectKey = true;
            this.topPaused = false;
          } else this.itemDepth = 1;
        } else {
          if (c === OPEN_ARR && depth === 1 && this.topIsObject && this.valuePending && this.lastKey === 'items') {
            // the items array: its elements are streamed, the top-level object keeps "items":[]
            this.top.take(chunk, i + 1);
            this.topPaused = true;
            this.itemDepth = 2;
          } else if (this.itemDepth > 0 && depth === this.itemDepth) {
            this.item.begin(i, this.line);
          }
          this.valuePending = false;
        }
        stack.push(c);
        if (stack.length > this.limits.maxDepth) throw new LimitError({ file: this.file, field: `line ${this.line}`, limit: `maxDepth=${this.limits.maxDepth}` });
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        const open = stack.pop();
        if (open === undefined || (open === OPEN_OBJ) !== (c === CLOSE_OBJ)) this.fail('matching brackets');
        const now = stack.length;
        if (this.item.active && now === this.itemDepth) {
          const line = this.item.line;
          const text = this.item.finish(chunk, i + 1);
          this.checkSize(text.length, line);
          this.emit({ text, line, where: 'item' });
        } else if (this.itemDepth > 0 && now === this.itemDepth - 1) {
          this.itemDepth = 0;
          if (this.topPaused) {
            this.topPaused = false;
            this.top.start = i;
          }
        }
        if (now === 0 && this.top.active) {
          const line = this.top.line;
          const text = this.top.finish(chunk, i + 1);
          this.checkSize(text.length, line);
          this.topIsObject = false;
          this.emit({ text, line, where: 'top' });
        }
        continue;
      }
      if (depth === 1 && this.topIsObject) {
        if (c === COLON) this.valuePending = true;
        else if (c === COMMA) this.expectKey = true;
        else if (!isSpace(c)) this.valuePending = false;
      } else if (depth === 0 && !isSpace(c)) {
        this.fail('a JSON object or array');
      }
    }
    // keep the unread tail of active captures; they resume at the start of the next chunk
    for (const cap of [this.top, this.item, this.key]) {
      if (!cap.active) continue;
      if (cap === this.top && this.topPaused) continue;
      cap.take(chunk, chunk.length);
      cap.start = 0;
    }
    if (this.item.active) this.checkSize(this.item.length, this.item.line);
    if (this.top.active) this.checkSize(this.top.length, this.top.line);
  }

  /** Characters, a close bound of bytes for the ASCII that JSON dumps mostly are. */
  private checkSize(length: number, line: number): void {
    if (length > this.limits.maxDocumentBytes) throw new LimitError({ file: this.file, field: `line ${line}`, limit: `maxDocumentBytes=${this.limits.maxDocumentBytes}` });
  }

  /** Call after the last chunk: a value still open means the input was cut. */
  end(): void {
    if (this.stack.length > 0 || this.inString) {
      throw new InputError({ file: this.file, field: `line ${this.line}`, expected: 'complete JSON', message: `unexpected end of input (truncated JSON)` });
    }
  }

  private endKey(chunk: string, end: number): void {
    const raw = this.key.finish(chunk, end);
    this.expectKey = false;
    try {
      this.lastKey = JSON.parse(raw) as string;
    } catch {
      this.lastKey = '';
    }
  }

  private fail(expected: string): never {
    throw new InputError({ file: this.file, field: `line ${this.line}`, expected, message: `expected ${expected}` });
  }
}
