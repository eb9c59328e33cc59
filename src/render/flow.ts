// Top-to-bottom page flow on A4: a cursor that moves down, opens a new page when content does not fit,
// draws text and lines, and finally stamps "page N of M" on every page and writes the pages' content.
import { PDFName, type PDFDocument, type PDFPage } from 'pdf-lib';
import { ContentStream } from './contentStream.js';
import type { FontFace, FontSet } from './fonts.js';
import { cleanLine } from './text.js';

export const A4_WIDTH = 595.28;
export const A4_HEIGHT = 841.89;
export const MARGIN = 36;
const FOOTER_HEIGHT = 22;
const FOOTER_SIZE = 7.5;

/** Where a font's baseline sits below the top of its line box, as a fraction of the size. */
export const BASELINE = 0.8;
/** Line box height as a multiple of the font size. */
export const LINE_HEIGHT = 1.25;

export type Align = 'left' | 'right' | 'center';

export interface TextStyle {
  face: FontFace;
  size: number;
  /** 0 = black, 1 = white. */
  gray?: number;
}

interface PageState {
  page: PDFPage;
  content: ContentStream;
  /** Resource name of each font used on the page: F1, F2, … */
  fontNames: Map<FontFace, string>;
}

export class Flow {
  readonly left = MARGIN;
  readonly right = A4_WIDTH - MARGIN;
  readonly width = A4_WIDTH - 2 * MARGIN;
  readonly top = A4_HEIGHT - MARGIN;
  readonly bottom = MARGIN + FOOTER_HEIGHT;
  /** Current position: the top of the next thing to draw. */
  y = this.top;
  private readonly pages: PageState[] = [];
  private readonly newPageHooks: Array<() => void> = [];

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: FontSet,
  ) {
    this.newPage();
  }

  /** Space left on the current page. */
  get available(): number {
    return this.y - this.bottom;
  }

  /** Opens a new page and runs the hooks (a table in progress repeats its header there). */
  newPage(): void {
    this.pages.push({ page: this.doc.addPage([A4_WIDTH, A4_HEIGHT]), content: new ContentStream(), fontNames: new Map() });
    this.y = this.top;
    for (const hook of this.newPageHooks) hook();
  }

  /** Breaks the page unless `height` still fits. Returns true when it did break. */
  ensure(height: number): boolean {
    if (height <= this.available) return false;
    this.newPage();
    return true;
  }

  /** Runs `body` with a hook that is called on each page it opens. */
  withNewPageHook<T>(hook: () => void, body: () => T): T {
    this.newPageHooks.push(hook);
    try {
      return body();
    } finally {
      this.newPageHooks.pop();
    }
  }

  /** Draws one line of text with its line box's top at `top`. Text is cleaned here, so anything may be passed. */
  text(raw: string, x: number, top: number, style: TextStyle, align: Align = 'left', boxWidth = 0): void {
    const text = cleanLine(raw, style.face);
    if (text === '') return;
    let left = x;
    if (align !== 'left') {
      const w = style.face.width(text, style.size);
      left = align === 'right' ? x + boxWidth - w : x + (boxWidth - w) / 2;
    }
    const state = this.current;
    const encoded = style.face.encode(text);
    state.content.text(this.fontName(state, style.face), style.size, style.gray ?? 0, left, top - style.size * BASELINE, encoded);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, gray = 0.6): void {
    this.current.content.line(x1, y1, x2, y2, width, gray);
  }

  fillRect(x: number, top: number, width: number, height: number, gray: number): void {
    this.current.content.fillRect(x, top - height, width, height, gray);
  }

  /** Draws wrapped lines one below another, breaking pages between lines. */
  paragraph(lines: readonly string[], x: number, style: TextStyle, align: Align = 'left', boxWidth = 0): void {
    const lh = style.size * LINE_HEIGHT;
    for (const line of lines) {
      this.ensure(lh);
      this.text(line, x, this.y, style, align, boxWidth);
      this.y -= lh;
    }
  }

  /** Stamps the footer on every page: a document label on the left, "page N of M" on the right. */
  finish(label: string, pageText: (n: number, of: number) => string): void {
    const style: TextStyle = { face: this.fonts.regular, size: FOOTER_SIZE, gray: 0.35 };
    const top = MARGIN + FOOTER_SIZE * LINE_HEIGHT;
    const total = this.pages.length;
    this.pages.forEach((state, i) => {
      this.target = state;
      this.line(this.left, top + 4, this.right, top + 4, 0.5, 0.75);
      const pageLabel = pageText(i + 1, total);
      const pageWidth = style.face.width(pageLabel, style.size);
      this.text(fitLabel(label, style, this.width - pageWidth - 20), this.left, top, style);
      this.text(pageLabel, this.left, top, style, 'right', this.width);
    });
    this.target = undefined;
    // Content streams are compressed by pdf-lib's deflate (pako, pure JavaScript): unlike node:zlib, whose
    // output changes with the zlib build bundled in Node, it gives the same bytes on every machine.
    const { context } = this.doc;
    for (const state of this.pages) {
      state.page.node.set(PDFName.of('Contents'), context.register(context.flateStream(state.content.bytes())));
    }
  }

  /** The page drawn on: the last one, except while stamping footers. */
  private target: PageState | undefined;

  private get current(): PageState {
    return this.target ?? this.pages[this.pages.length - 1]!;
  }

  private fontName(state: PageState, face: FontFace): string {
    let name = state.fontNames.get(face);
    if (!name) {
      name = `F${state.fontNames.size + 1}`;
      state.page.node.setFontDictionary(PDFName.of(name), face.ref);
      state.fontNames.set(face, name);
    }
    return name;
  }
}

/** Shortens a footer label with an ellipsis so it never runs into the page number. */
function fitLabel(label: string, style: TextStyle, maxWidth: number): string {
  const clean = cleanLine(label, style.face);
  if (style.face.width(clean, style.size) <= maxWidth) return clean;
  let cut = clean;
  while (cut.length > 0 && style.face.width(`${cut}…`, style.size) > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}
