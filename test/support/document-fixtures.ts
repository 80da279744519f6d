/**
 * Real small documents for ingest tests and benches, made on the spot: a PDF (pdfkit) with one
 * topic per page, a DOCX (docx), CSV and TSV tables, JSON, JSONL, Markdown, HTML and text.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import PDFDocument from "pdfkit";

/** A PDF whose page n (1-based) holds `pages[n - 1]`. */
export async function makePdf(pages: readonly string[]): Promise<Buffer> {
  const pdf = new PDFDocument({ info: { CreationDate: new Date(0) } });
  const parts: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise<void>((resolve) => pdf.on("end", () => resolve()));
  pages.forEach((text, i) => {
    if (i > 0) pdf.addPage();
    pdf.text(text);
  });
  pdf.end();
  await ended;
  return Buffer.concat(parts);
}

/** A DOCX with a heading and paragraphs. */
export async function makeDocx(heading: string, paragraphs: readonly string[]): Promise<Buffer> {
  const document = new Document({ sections: [{ children: [new Paragraph({ text: heading, heading: HeadingLevel.HEADING_1 }), ...paragraphs.map((text) => new Paragraph(text))] }] });
  return Packer.toBuffer(document);
}

/** Writes a file, creating its folders. */
export function writeFixture(root: string, name: string, content: string | Buffer): string {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

let binaries: Promise<[Buffer, Buffer]> | undefined;

/** One file of every supported type (plus two with no loader) under `root`. */
export async function writeMixedFolder(root: string): Promise<void> {
  // Made once per test file: pdfkit and docx take a moment to start.
  binaries ??= Promise.all([
    makePdf(["The aurora borealis lights the northern sky in winter.", "The tidal bore of the Severn river rolls upstream twice a day."]),
    makeDocx("Quarterly plan", ["The falcon project ships its first release in March."]),
  ]);
  const [pdf, docx] = await binaries;
  writeFixture(root, "report.pdf", pdf);
  writeFixture(root, "plan.docx", docx);
  writeFixture(root, "tables/cities.csv", "city,population\nParis,2100000\nBerlin,3700000\n");
  writeFixture(root, "tables/rivers.tsv", "river\tlength_km\nDanube\t2850\nLoire\t1006\n");
  writeFixture(root, "data/settings.json", JSON.stringify({ theme: { description: "The lighthouse theme uses deep blue and white" } }));
  writeFixture(root, "data/log.jsonl", '{"event":"the glacier survey started"}\n{"event":"the glacier survey finished"}\n');
  writeFixture(root, "guide.md", "# Guide\n\nIntro to the toolkit.\n\n## Install\n\n```sh\n# not a heading\nnpm install toolkit\n```\n\n### Linux\n\nOn Linux the toolkit needs the zstd library.\n");
  writeFixture(root, "page.html", "<html><head><title>Cheese page</title></head><body><h1>Cheese</h1><p>Comté is aged in cellars in the Jura.</p></body></html>");
  writeFixture(root, "notes.txt", "Sourdough bread needs a starter, flour, water and salt.");
  writeFixture(root, "photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
  writeFixture(root, "Makefile", "all:\n\techo hi\n");
}
