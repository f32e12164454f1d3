/**
 * @module The last step of a refresh run: the timeline rebuilt from the sources' records, merged
 * with what another run wrote meanwhile, and written only when it changed (or its heartbeat is due).
 */
import type { Item, Source, Verification } from "../../model.ts";
import {
  contentHash,
  readTimeline,
  sameContent,
  writeTimeline,
  type IdentityRecord,
  type SourceRecord,
  type SourceStatus,
  type Timeline,
} from "../../store/index.ts";
import { hostOf, mergeTimeline, type SourceHosts } from "../merge.ts";

/** A no-change refresh still records that it ran, this often, so /status stays truthful. */
export const HEARTBEAT_SECONDS = 6 * 3600;

/** The hosts each source speaks for: its account's, its feed's, and the page its feed was found on. */
export function hostsOf(sources: readonly Source[], records: readonly Pick<SourceRecord, "feed" | "discoveredFrom">[]): SourceHosts {
  const hosts = new Map<string, Set<string>>();
  sources.forEach((source, index) => {
    const record = records[index];
    const set = new Set<string>();
    for (const url of [source.url, source.feed, record?.feed, record?.discoveredFrom]) {
      const host = hostOf(url);
      if (host) set.add(host);
    }
    hosts.set(source.id, set);
  });
  return hosts;
}

/** Verdicts of both, the later check of each account winning; `ours` wins when they judged different accounts. */
function mergeIdentity(ours: IdentityRecord | undefined, theirs: IdentityRecord | undefined, oursIsNew: boolean): IdentityRecord | undefined {
  if (!theirs) return ours;
  if (!ours) return theirs;
  if (ours.accounts !== theirs.accounts) return oursIsNew ? ours : theirs;
  const verdicts: Record<string, Verification> = { ...theirs.verdicts };
  for (const [id, verdict] of Object.entries(ours.verdicts)) {
    const other = verdicts[id];
    if (!other || other.checked_at <= verdict.checked_at) verdicts[id] = verdict;
  }
  return { accounts: ours.accounts, verdicts };
}

export interface TimelineInput {
  sources: readonly Source[];
  /** Each source's status, in the order of `sources`. */
  statuses: readonly SourceStatus[];
  /** Each source's items, in the order of `sources`: a record's when the run read it, else the timeline's. */
  lists: readonly (readonly Item[])[];
  /** The timeline as this run read it when it started. */
  started: Timeline | null;
  /** New verdicts from this cron's verification. */
  identity?: IdentityRecord;
  now: Date;
  maxItems: number;
}

/**
 * Rebuilds the timeline and writes it when its statuses changed, its heartbeat is due or new
 * verdicts came. Before writing it reads the key again: a run that wrote meanwhile (the cron and a
 * request-triggered refresh, or two isolates on a first deploy) keeps every source it fetched
 * later than this run did, with its items, and every verdict; nothing is written when what is
 * stored already says it all.
 */
export async function rebuildTimeline(kv: KVNamespace, input: TimelineInput): Promise<{ written: boolean; kvReads: number; kvWrites: number }> {
  const { sources, started, now } = input;
  let statuses: SourceStatus[] = [...input.statuses];
  const heartbeatDue = (timeline: Timeline | null) => !timeline || now.getTime() - Date.parse(timeline.checkedAt) >= HEARTBEAT_SECONDS * 1000;
  if (started && sameContent(statuses, started.sources) && !heartbeatDue(started) && !input.identity) return { written: false, kvReads: 0, kvWrites: 0 };

  const latest = await readTimeline(kv);
  let lists = input.lists;
  let identity = input.identity ?? started?.identity;
  if (latest && latest.checkedAt !== started?.checkedAt) {
    // Another run wrote since this one started: per source, the later fetch wins.
    const theirs = new Map(latest.sources.map((status) => [status.id, status]));
    const newer = new Set<string>();
    statuses = statuses.map((ours) => {
      const other = theirs.get(ours.id);
      if (!other || other.account !== ours.account || (other.lastFetch ?? "") <= (ours.lastFetch ?? "")) return ours;
      newer.add(ours.id);
      return other;
    });
    lists = lists.map((list, index) => (newer.has(statuses[index]!.id) ? latest.items.filter((item) => item.source === statuses[index]!.id) : list));
    identity = mergeIdentity(identity, latest.identity, input.identity !== undefined);
  }
  const base = latest ?? started;
  const changed = !base || !sameContent(statuses, base.sources);
  if (!changed && !heartbeatDue(base) && sameContent(identity ?? null, base?.identity ?? null)) return { written: false, kvReads: 1, kvWrites: 0 };

  const items = changed || !base ? mergeTimeline(lists, input.maxItems, hostsOf(sources, statuses)) : base.items;
  const next: Timeline = {
    // The statuses' revisions hash every record's items: with the limit, they say what the items are.
    version: changed || !base ? contentHash({ statuses, maxItems: input.maxItems }) : base.version,
    builtAt: changed || !base ? now.toISOString() : base.builtAt,
    checkedAt: now.toISOString(),
    items,
    sources: statuses,
    ...(identity ? { identity } : {}),
  };
  await writeTimeline(kv, next);
  return { written: true, kvReads: 1, kvWrites: 1 };
}
