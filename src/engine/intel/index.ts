export { IntelIndex, IntelLoadFailure, loadIntel, intelDirFrom, FEED_EXTENSIONS } from './intel-index';
export type { IntelMatch, FeedSummary, IntelLoadError } from './intel-index';
export { parseFeed, labelFromFileName, splitCsvLine } from './feed-parser';
export type { ParsedFeed, FeedEntry } from './feed-parser';
export { classifyValue, normalizeDomain, normalizeHash } from './values';
export type { IntelKind } from './values';
