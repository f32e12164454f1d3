/**
 * @module The timeline requests read: kept in isolate memory for a minute, else one bulk KV read
 * of the fetched items and the owner's posts (shared by concurrent requests, the timeline parsed
 * only when its text changed), merged; and the background refresh a request starts when the cron has evidently
 * stopped.
 */
import { HEARTBEAT_SECONDS, type RefreshOptions, type RefreshSummary } from "./ingest/refresh.ts";
import { emptyTimeline, refreshSite, type Site } from "./site.ts";
import { laterSnapshot, NO_POSTS, parsePostsSnapshot, POSTS_KEY, withOwnPosts } from "./posts/snapshot.ts";
import type { PostsSnapshot } from "./posts/types.ts";
import { parseTimeline, readTimelineTextWith, type Timeline } from "./store/index.ts";

/**
 * How long an isolate keeps the parsed timeline in memory. KV itself is eventually consistent
 * (~60 s), so this adds at most a minute of staleness and takes the KV read and the JSON parse
 * (which grow with the number of items) off almost every request.
 */
export const TIMELINE_MEMORY_SECONDS = 60;

interface Remembered {
  timeline: Promise<Timeline | null>;
  readAt: number;
}

/**
 * The timeline for requests, and the refresh trigger. Requests read the timeline from isolate
 * memory when it was read less than `TIMELINE_MEMORY_SECONDS` ago, else from KV (one read, shared
 * by concurrent requests). The cron refreshes every interval; a request starts a background refresh
 * only when nothing is stored yet or the timeline has missed its heartbeat (the cron has evidently
 * stopped), at most once per interval per isolate: KV is written only on change, so `checkedAt`
 * legitimately lags by up to `HEARTBEAT_SECONDS`, and treating that as stale would make every
 * isolate re-read every source's record once per interval.
 */
export class TimelineCache {
  private lastStarted = 0;
  private readonly site: Site;
  private readonly options: RefreshOptions;
  private memory: Remembered | undefined;
  /** The last timeline parsed and its text: an unchanged key is not parsed again (it can be MBs). */
  private parsed: { text: string; timeline: Timeline } | undefined;
  /** The latest posts snapshot this isolate knows: written here (`prime`) or read from KV. */
  private posts: PostsSnapshot = NO_POSTS;
  /** The posts key's text last read: an unchanged key is not parsed again. */
  private postsText: string | null = null;
  /** The last merge of a timeline and a snapshot: the same pair gives the same object back. */
  private merged: { timeline: Timeline; posts: PostsSnapshot; result: Timeline } | undefined;

  constructor(site: Site, options: RefreshOptions = {}) {
    this.site = site;
    this.options = options;
  }

  /**
   * The owner's posts just changed in this isolate: its next requests show them at once (other
   * isolates within a minute of KV's propagation, see `TIMELINE_MEMORY_SECONDS`).
   */
  prime(snapshot: PostsSnapshot): void {
    this.posts = laterSnapshot(this.posts, snapshot);
    const remembered = this.memory;
    // The fetched timeline this isolate holds (none stored yet: an empty one), merged again with the new posts.
    if (remembered) this.memory = { ...remembered, timeline: remembered.timeline.then(() => this.merge(this.parsed?.timeline ?? this.empty())) };
  }

  /**
   * The published Webmentions as of the posts snapshot this isolate knows (read with the timeline,
   * so after `timelineOf`): their version is part of the permalink's and the page's variants.
   */
  mentions(): { version: string; counts: NonNullable<PostsSnapshot["mentions"]>["counts"] } {
    return this.posts.mentions ?? { version: "0", counts: {} };
  }

  /** Refreshes every due source now (cron, admin); the next request reads the timeline afresh. */
  async run(kv: KVNamespace, options: RefreshOptions = {}): Promise<RefreshSummary> {
    this.lastStarted = Date.now();
    try {
      // A request or the owner started it unless the cron says otherwise: it takes the refresh lease.
      return await refreshSite(kv, this.site, { lease: true, ...this.options, ...options });
    } finally {
      // This isolate just wrote (or confirmed) the timeline: the next request reads it afresh.
      this.memory = undefined;
    }
  }

  /** The timeline for a request; schedules a background refresh when the cron has not kept it fresh. */
  async timeline(kv: KVNamespace, waitUntil: (promise: Promise<unknown>) => void): Promise<Timeline> {
    const now = Date.now();
    const timeline = await this.stored(kv, now);
    if (this.stale(timeline, now) && now - this.lastStarted >= this.site.profile.settings.refreshMinutes * 60_000) {
      waitUntil(
        this.run(kv).catch((error: unknown) => {
          console.error("background refresh failed:", error instanceof Error ? error.message : String(error));
        }),
      );
    }
    return timeline ?? emptyTimeline();
  }

  /** The timeline as stored, never starting a refresh (the community's planet reads members' this way). */
  async current(kv: KVNamespace): Promise<Timeline> {
    return (await this.stored(kv, Date.now())) ?? emptyTimeline();
  }

  /** The stored timeline, from memory when fresh enough (at most one KV read per request). */
  private stored(kv: KVNamespace, now: number): Promise<Timeline | null> {
    if (this.memory && now - this.memory.readAt < TIMELINE_MEMORY_SECONDS * 1000) return this.memory.timeline;
    const entry: Remembered = { timeline: this.read(kv), readAt: now };
    this.memory = entry;
    // A failed read is not remembered: the next request tries KV again.
    entry.timeline.catch(() => {
      if (this.memory === entry) this.memory = undefined;
    });
    return entry.timeline;
  }

  /**
   * Reads the timeline key; when its text is the one parsed last, gives that same object back: no
   * parse, and every cache keyed on it (verdicts) stays warm.
   */
  private async read(kv: KVNamespace): Promise<Timeline | null> {
    const { timeline: text, other: postsText } = await readTimelineTextWith(kv, POSTS_KEY);
    if (postsText !== this.postsText) {
      this.postsText = postsText;
      this.posts = laterSnapshot(this.posts, parsePostsSnapshot(postsText));
    }
    if (text === null) return this.posts.items.length > 0 ? this.merge(this.empty()) : null;
    if (this.parsed?.text !== text) this.parsed = { text, timeline: parseTimeline(text) };
    return this.merge(this.parsed.timeline);
  }

  /** The fetched timeline with the owner's posts, the same object for the same pair (caches keyed on it stay warm). */
  private merge(timeline: Timeline): Timeline {
    const posts = this.posts;
    if (this.merged?.timeline === timeline && this.merged.posts === posts) return this.merged.result;
    const result = withOwnPosts(timeline, posts, this.site.profile.settings.maxItems);
    this.merged = { timeline, posts, result };
    return result;
  }

  private emptyTimeline: Timeline | undefined;
  private empty(): Timeline {
    return (this.emptyTimeline ??= emptyTimeline());
  }

  /** True when nothing is stored or the timeline missed its heartbeat (the cron has evidently stopped). */
  private stale(timeline: Timeline | null, now: number): boolean {
    const interval = this.site.profile.settings.refreshMinutes * 60_000;
    return !timeline || now - Date.parse(timeline.checkedAt) >= HEARTBEAT_SECONDS * 1000 + interval;
  }
}
