export interface StderrLinesOptions {
  /** A longer line is cut here and the rest of it dropped, in characters. */
  maxLineChars: number;
  /** How many recent lines are kept for the exit message. */
  tailLines: number;
  /** Applied to every line before it is kept or handed on (removes camera credentials). */
  redact: (line: string) => string;
  /** Receives each redacted, non-empty line. */
  onLine: (line: string) => void;
}

/**
 * Splits ffmpeg's stderr into lines with bounded memory: a partial line never grows past
 * `maxLineChars`, and only the last `tailLines` redacted lines are kept.
 */
export class StderrLinesReader {
  private partial = '';
  private droppingRestOfLine = false;
  private readonly recent: string[] = [];

  constructor(private readonly options: StderrLinesOptions) {}

  /** The last lines, oldest first, already redacted. */
  get tail(): readonly string[] {
    return this.recent;
  }

  push(chunk: string): void {
    const pieces = chunk.split(/\r?\n|\r/);
    const last = pieces.pop() ?? '';
    for (const piece of pieces) {
      this.append(piece);
      this.endLine();
    }
    this.append(last);
  }

  /** Hands on a last line without a newline, when the process has ended. */
  flush(): void {
    if (this.partial.length > 0) this.endLine();
  }

  private append(text: string): void {
    if (this.droppingRestOfLine) return;
    const room = this.options.maxLineChars - this.partial.length;
    if (text.length <= room) {
      this.partial += text;
      return;
    }

    // The cut may fall inside a URL, leaving `rtsp://user:pa` that no redaction pattern
    // recognises: the unfinished last word goes with the rest of the line.
    const kept = `${this.partial}${text.slice(0, room)}`.replace(/\S*$/, '');
    this.partial = `${kept}…`;
    this.droppingRestOfLine = true;
  }

  private endLine(): void {
    const line = this.options.redact(this.partial).trim();
    this.partial = '';
    this.droppingRestOfLine = false;
    if (line.length === 0) return;

    this.recent.push(line);
    if (this.recent.length > this.options.tailLines) this.recent.shift();
    this.options.onLine(line);
  }
}
