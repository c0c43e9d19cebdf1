/**
 * The page of an official document of Kazakhstan, as the personnel subdivisions print it: A4, Times New
 * Roman 14 pt, margins left 30 mm, right 10 mm, top and bottom 20 mm; the addressee block top right, the
 * title centred, page numbers from page 2. Built with the `docx` package (see README: documents).
 */
import { AlignmentType, Document, Footer, Packer, PageNumber, Paragraph, TabStopType, TextRun } from "docx";

/** Millimetres to twentieths of a point, rounded (docx's own helper floors: 210 mm would be 11905). */
const convertMillimetersToTwip = (mm: number) => Math.round((mm * 1440) / 25.4);

export const FONT = "Times New Roman";
/** Half-points: 14 pt. */
export const FONT_SIZE = 28;
export const A4 = { width: convertMillimetersToTwip(210), height: convertMillimetersToTwip(297) };
export const MARGINS = {
  left: convertMillimetersToTwip(30),
  right: convertMillimetersToTwip(10),
  top: convertMillimetersToTwip(20),
  bottom: convertMillimetersToTwip(20),
};
/** The addressee block starts at the middle of the line (the right half of the page). */
const ADDRESSEE_INDENT = convertMillimetersToTwip(95);
/** Text width: 210 − 30 − 10 mm. */
const TEXT_WIDTH = convertMillimetersToTwip(170);

/** Lines of the addressee block, top right. */
export const addressee = (lines: string[]): Paragraph[] =>
  lines.map((text) => new Paragraph({ indent: { left: ADDRESSEE_INDENT }, children: [new TextRun(text)] }));

/** A centred line (the institution's name, the document's title). */
export const centred = (text: string, opts: { bold?: boolean; before?: number; after?: number } = {}) =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0 },
    children: [new TextRun({ text, bold: opts.bold ?? false })],
  });

/** A paragraph of running text: justified, first line indented 12.5 mm. */
export const para = (text: string, opts: { bold?: boolean } = {}) =>
  new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: convertMillimetersToTwip(12.5) },
    children: [new TextRun({ text, bold: opts.bold ?? false })],
  });

/** A line with text on the left and text flush right (a date and a signature, a position and a name). */
export const leftRight = (left: string, right: string) =>
  new Paragraph({
    tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
    children: [new TextRun(left), new TextRun({ text: `\t${right}` })],
  });

export const blank = () => new Paragraph({ children: [] });

/** A signature place: "position ________ name". */
export const signature = (who: string, name: string) => leftRight(who, `________________ ${name}`);

/** The document with the page, font and page numbers (from page 2: the first page has no number). */
export function officialDocument(title: string, lang: string, children: Paragraph[]): Document {
  return new Document({
    title,
    creator: "expulsion-bot",
    styles: {
      default: {
        document: {
          run: {
            font: FONT,
            size: FONT_SIZE,
            language: { value: lang === "ru" ? "ru-RU" : lang === "kk" ? "kk-KZ" : "en-GB" },
          },
        },
      },
    },
    sections: [
      {
        properties: { page: { size: A4, margin: MARGINS }, titlePage: true },
        footers: {
          first: new Footer({ children: [] }),
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: [PageNumber.CURRENT] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
}

export const toBuffer = (doc: Document): Promise<Buffer> => Packer.toBuffer(doc);
