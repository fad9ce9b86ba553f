/**
 * Row heights for spreadsheets written with ExcelJS. Spreadsheet programs do not grow a row
 * to fit wrapped text in merged cells, and LibreOffice does not grow rows written without a
 * height, so a row's height is set from its longest cell: the lines its text takes in the
 * column's width.
 */
import type ExcelJS from "exceljs";

/** Points per line of 11-point text, and the padding of a row. */
export const LINE_HEIGHT = 15;
export const ROW_HEIGHT_PADDING = 4;

/**
 * Lines a text takes in a column `width` characters wide (the width of "0" in the default
 * font), wrapped at spaces. Capitals count wider and bold text takes more room, so a row
 * is never too short for what it holds.
 */
export function linesIn(text: string, width: number, bold = false): number {
  const room = Math.max(1, (width - 1) * (bold ? 0.85 : 1));
  const size = (word: string) => [...word].reduce((n, c) => n + (c !== c.toLowerCase() ? 1.3 : 1), 0);
  let lines = 0;
  for (const paragraph of text.split("\n")) {
    let used = 0;
    let count = 1;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const len = size(word);
      if (used === 0) {
        count += Math.floor(len / room);
        used = len % room;
      } else if (used + 1 + len <= room) {
        used += 1 + len;
      } else {
        count += 1 + Math.floor(len / room);
        used = len % room;
      }
    }
    lines += count;
  }
  return Math.max(1, lines);
}

/** Sets the row's height for the texts it holds, each in a column `width` characters wide. */
export function fitHeight(row: ExcelJS.Row, texts: { text: string; width: number }[], bold = false): void {
  const lines = Math.max(1, ...texts.map((x) => linesIn(x.text, x.width, bold)));
  row.height = lines * LINE_HEIGHT + ROW_HEIGHT_PADDING;
}
