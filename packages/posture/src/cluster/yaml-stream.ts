import { LimitError } from '@bulwark/core';

/** A YAML document (or one item of a `List` document's block sequence `items:`), with the line it starts on. */
export interface YamlPiece {
  text: string;
  /** 1-based line of the piece's first line in the file. */
  line: number;
}

/**
 * Cuts a multi-document YAML stream into documents, line by line, and cuts the `items:` block sequence of a
 * document (`kubectl get -o yaml` prints one `List` document) into one piece per item, so that a large dump is never
 * parsed as a whole. An item `- apiVersion: v1` with its indented lines becomes a document of its own (the dash and
 * the indentation removed). Flow sequences (`items: [...]`) stay in their document.
 */
export class YamlSplitter {
  private head: string[] = [];
  private headLine = 1;
  private headBytes = 0;
  private item: string[] = [];
  private itemLine = 0;
  private itemBytes = 0;
  /** Column of the dash of the items sequence; -1: not in items; -2: `items:` seen, its first entry not yet. */
  private itemIndent = -1;
  private pendingItemsKey: string | undefined;
  private line = 0;

  constructor(
    private readonly file: string,
    private readonly maxDocumentBytes: number,
    private readonly emit: (piece: YamlPiece) => void,
  ) {}

  feedLine(raw: string): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/^---(\s|$)/.test(text) || /^\.\.\.\s*$/.test(text)) {
      this.endDocument();
      this.headLine = this.line + 1;
      // "--- {a: 1}" or "--- kind: x" keeps its content
      const rest = text.slice(3).trim();
      if (text.startsWith('---') && rest !== '' && !rest.startsWith('#')) this.pushHead(rest);
      return;
    }
    const blank = text.trim() === '' || text.trimStart().startsWith('#');
    if (this.itemIndent === -2) {
      if (blank) return void this.pendingBlank(text);
      const m = /^( *)-( |$)/.exec(text);
      if (m) {
        this.itemIndent = m[1]!.length;
        this.pendingItemsKey = undefined;
        this.startItem(text);
        return;
      }
      // not a block sequence after all: the key goes back into the document
      this.pushHead(this.pendingItemsKey!);
      this.pendingItemsKey = undefined;
      this.itemIndent = -1;
    } else if (this.itemIndent >= 0) {
      if (blank) return void this.pushItem(text);
      const indent = text.length - text.trimStart().length;
      if (indent > this.itemIndent) return void this.pushItem(text);
      if (indent === this.itemIndent && /^-( |$)/.test(text.slice(indent))) {
        this.flushItem();
        this.startItem(text);
        return;
      }
      this.flushItem();
      this.itemIndent = -1;
    }
    if (/^items:\s*(#.*)?$/.test(text)) {
      this.itemIndent = -2;
      this.pendingItemsKey = text;
      return;
    }
    this.pushHead(text);
  }

  end(): void {
    this.endDocument();
  }

  private pendingBlank(text: string): void {
    this.pendingItemsKey = `${this.pendingItemsKey}\n${text}`;
  }

  private pushHead(text: string): void {
    this.head.push(text);
    this.headBytes += text.length + 1;
    if (this.headBytes > this.maxDocumentBytes) throw new LimitError({ file: this.file, field: `line ${this.headLine}`, limit: `maxDocumentBytes=${this.maxDocumentBytes}` });
  }

  private startItem(text: string): void {
    this.itemLine = this.line;
    this.item = [];
    this.itemBytes = 0;
    // "- apiVersion: v1" → "  apiVersion: v1": the item's keys line up with its continuation lines
    this.pushItem(`${text.slice(0, this.itemIndent)} ${text.slice(this.itemIndent + 1)}`);
  }

  private pushItem(text: string): void {
    this.item.push(text);
    this.itemBytes += text.length + 1;
    if (this.itemBytes > this.maxDocumentBytes) throw new LimitError({ file: this.file, field: `line ${this.itemLine}`, limit: `maxDocumentBytes=${this.maxDocumentBytes}` });
  }

  private flushItem(): void {
    if (this.item.length === 0) return;
    const cut = this.itemIndent + 2;
    const text = this.item.map((l) => (l.slice(0, cut).trim() === '' ? l.slice(cut) : l.trimStart())).join('\n');
    this.item = [];
    this.itemBytes = 0;
    this.emit({ text, line: this.itemLine });
  }

  private endDocument(): void {
    if (this.itemIndent === -2 && this.pendingItemsKey !== undefined) this.pushHead(this.pendingItemsKey);
    if (this.itemIndent >= 0) this.flushItem();
    this.itemIndent = -1;
    this.pendingItemsKey = undefined;
    if (this.head.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) this.emit({ text: this.head.join('\n'), line: this.headLine });
    this.head = [];
    this.headBytes = 0;
  }
}
