import fs from 'node:fs';
import path from 'node:path';
import { renderConformanceHtml } from './html-report';
import { renderJunit } from './junit';
import type { ConformanceReport } from './model';

/** Writes conformance.json, conformance.html and junit.xml of a report into `dir`; returns the JSON's path. */
export function writeReportFiles(report: ConformanceReport, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'conformance.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'conformance.html'), renderConformanceHtml(report));
  fs.writeFileSync(path.join(dir, 'junit.xml'), renderJunit(report));
  return file;
}

/** Reads a conformance.json; one line saying what is wrong when it is not one this version can read. */
export function readReport(file: string): ConformanceReport {
  let doc: ConformanceReport;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport;
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (!doc || !Array.isArray(doc.requirements) || !doc.summary || !doc.run) {
    throw new Error(`${file} is not a conformance.json report`);
  }
  return doc;
}
