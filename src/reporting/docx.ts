/**
 * The part of the `docx` package the report export uses, typed here: the package's own
 * type declarations use extensionless relative paths, which NodeNext module resolution
 * cannot follow, so TypeScript would see an empty module. The runtime module is complete.
 */
import * as loaded from "docx";

/** A paragraph, run, table, row or cell: passed back to docx as it is. */
export interface DocxNode {
  readonly __docxNode?: never;
}

type Options = Record<string, unknown>;

export interface DocxApi {
  Document: new (options: Options) => object;
  Packer: { toBuffer(document: object): Promise<Buffer> };
  Paragraph: new (options: Options) => DocxNode;
  TextRun: new (options: Options) => DocxNode;
  Table: new (options: Options) => DocxNode;
  TableRow: new (options: Options) => DocxNode;
  TableCell: new (options: Options) => DocxNode;
  AlignmentType: { CENTER: string; LEFT: string };
  PageOrientation: { LANDSCAPE: string };
  VerticalAlign: { TOP: string; CENTER: string };
  WidthType: { DXA: string };
  TableLayoutType: { FIXED: string };
  VerticalMergeType: { RESTART: string; CONTINUE: string };
  BorderStyle: { SINGLE: string };
}

export const docx = loaded as unknown as DocxApi;
