/** Streaming import of a campaign's recipients CSV: encodings, parsing, mapping, validation, report. */
export { importCsv, importRows } from './import-csv.js';
export type { ImportOptions, ImportProgress, ImportSummary, RowImportOptions } from './import-csv.js';
export type { CsvRow } from './read-records.js';
export { readCsvHeader } from './read-csv-header.js';
export type { CsvHeader } from './read-csv-header.js';
export { suggestMapping, variableNameFor } from './suggest-mapping.js';
export { resolveMapping } from './resolve-mapping.js';
export type { ExplicitMapping, MappingResult } from './resolve-mapping.js';
export { formatColumnTarget, parseColumnTarget } from './column-target.js';
export type { ColumnMapping, ColumnTarget, MappedColumn } from './column-target.js';
export { problemsCsvStream, problemsToCsv } from './problems-csv.js';
export type { FileProblem, FileProblemCode } from './file-problem.js';
export type { RowProblemCode } from './row-problem.js';
export type { CsvEncoding } from './detect-encoding.js';
export type { EncodingChoice } from './decode-text.js';
export type { CsvDelimiter } from './detect-delimiter.js';
