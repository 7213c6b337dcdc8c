/** temporal_ordered: the longest chain of referenced rules hit in rule order. */
import { type Entry, sameInstant } from './entries';
import type { CorrelationRule } from './types';

interface ChainLink {
  length: number;
  entry: Entry;
  previous?: ChainLink;
}

/** Longest run of referenced rules, in `rules` order, whose entries occur in that order (by time, then index). */
export function orderedChain(rule: CorrelationRule, window: Entry[]): Entry[] {
  // best[ref]: the longest chain ending with rule `ref`, the earliest to complete on ties.
  const best: Array<ChainLink | undefined> = rule.rules.map(() => undefined);
  let i = 0;
  while (i < window.length) {
    // Entries of the same instant and event cannot follow one another.
    let j = i;
    while (j < window.length && sameInstant(window[j], window[i])) j++;
    const updates: ChainLink[] = [];
    for (let k = i; k < j; k++) {
      const entry = window[k];
      let previous: ChainLink | undefined;
      for (let ref = 0; ref < entry.ref; ref++) {
        const chain = best[ref];
        if (chain && (!previous || chain.length > previous.length)) previous = chain;
      }
      const length = (previous?.length ?? 0) + 1;
      const current = best[entry.ref];
      if (!current || length > current.length) updates.push({ length, entry, previous });
    }
    for (const link of updates) {
      const current = best[link.entry.ref];
      if (!current || link.length > current.length) best[link.entry.ref] = link;
    }
    i = j;
  }
  let longest: ChainLink | undefined;
  for (const link of best) if (link && (!longest || link.length > longest.length)) longest = link;
  const chain: Entry[] = [];
  for (let link = longest; link; link = link.previous) chain.push(link.entry);
  return chain.reverse();
}

