/**
 * @module The conversation under an own post: replies as comments with their author's card
 * (`p-comment h-cite`: p-author h-card, u-url, dt-published, e-content or p-content), likes and
 * reposts as rows of faces (`p-like h-cite`, `p-repost h-cite`: the author's photo, alt = name),
 * bookmarks and plain mentions as a list (`p-mention h-cite`); all children of the post's h-entry,
 * so parsers read the conversation. And the counts shown on the home page's entries.
 */
import { raw } from "hono/html";
import { exactDate } from "../i18n/dates.ts";
import { fill, type Messages } from "../i18n/languages.ts";

/** Published mentions of a page, by kind (the shape of the posts snapshot's counts). */
export interface MentionCounts {
  replies: number;
  likes: number;
  reposts: number;
  mentions: number;
}

/** A received mention as the page shows it: every URL absolute http(s), the HTML already sanitised. */
export interface MentionView {
  kind: "reply" | "like" | "repost" | "bookmark" | "mention";
  url: string;
  author: { name: string; url?: string; photo?: string };
  contentHtml: string;
  contentText: string;
  published?: string;
}

/**
 * The author's h-card, its name, photo and url implied by the parser (the photo's alt is the name;
 * an explicit u-* class would turn the implied url off).
 */
function Card({ author, size }: { author: MentionView["author"]; size: number }) {
  const inner = author.photo ? <img src={author.photo} alt={author.name} width={String(size)} height={String(size)} loading="lazy" decoding="async" /> : author.name;
  return author.url ? (
    <a class="p-author h-card" href={author.url}>
      {inner}
    </a>
  ) : (
    <span class="p-author h-card">{inner}</span>
  );
}

function Reply({ mention, t }: { mention: MentionView; t: Messages }) {
  return (
    <li class="p-comment h-cite comment">
      <p class="comment-meta">
        <Card author={mention.author} size={32} />{" "}
        <a class="u-url" href={mention.url}>
          {mention.published ? (
            <time class="dt-published" datetime={mention.published}>
              {exactDate(mention.published, t.code)}
            </time>
          ) : (
            new URL(mention.url).hostname
          )}
        </a>
      </p>
      {mention.contentHtml ? <div class="e-content">{raw(mention.contentHtml)}</div> : <p class="p-content">{mention.contentText}</p>}
    </li>
  );
}

/** One face of a like or repost: the h-cite's URL is the mention's, the h-card the author's. */
function Face({ mention, property, label }: { mention: MentionView; property: "like" | "repost"; label: string }) {
  return (
    <li class={`p-${property} h-cite face`} title={label}>
      <Card author={mention.author} size={40} />
      <data class="u-url" value={mention.url}></data>
    </li>
  );
}

export function Conversation({ mentions, t }: { mentions: readonly MentionView[]; t: Messages }) {
  if (mentions.length === 0) return null;
  const of = (kinds: MentionView["kind"][]) => mentions.filter((mention) => kinds.includes(mention.kind));
  const replies = of(["reply"]);
  const likes = of(["like"]);
  const reposts = of(["repost"]);
  const others = of(["bookmark", "mention"]);
  return (
    <section class="conversation" aria-labelledby="responses">
      <h2 id="responses">{t.mentionsTitle}</h2>
      {likes.length > 0 ? (
        <>
          <h3>{t.mentionLikes}</h3>
          <ul class="faces">
            {likes.map((mention) => (
              <Face mention={mention} property="like" label={fill(t.mentionLiked, { name: mention.author.name })} />
            ))}
          </ul>
        </>
      ) : null}
      {reposts.length > 0 ? (
        <>
          <h3>{t.mentionReposts}</h3>
          <ul class="faces">
            {reposts.map((mention) => (
              <Face mention={mention} property="repost" label={fill(t.mentionReposted, { name: mention.author.name })} />
            ))}
          </ul>
        </>
      ) : null}
      {replies.length > 0 ? (
        <>
          <h3>{t.mentionReplies}</h3>
          <ol class="comments">
            {replies.map((mention) => (
              <Reply mention={mention} t={t} />
            ))}
          </ol>
        </>
      ) : null}
      {others.length > 0 ? (
        <>
          <h3>{t.mentionOthers}</h3>
          <ul class="mentions">
            {others.map((mention) => (
              <li class="p-mention h-cite">
                <Card author={mention.author} size={24} />{" "}
                <a class="u-url" href={mention.url}>
                  {mention.kind === "bookmark" ? t.mentionBookmarked : t.mentionMentioned}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** "2 replies · 3 likes" for an entry of the home page; null when nobody responded. */
export function MentionCountLine({ counts, t }: { counts: MentionCounts | undefined; t: Messages }) {
  if (!counts) return null;
  const parts: string[] = [];
  const say = (n: number, one: string, many: string) => {
    if (n === 1) parts.push(one);
    else if (n > 1) parts.push(fill(many, { n: String(n) }));
  };
  say(counts.replies, t.mentionCountReply, t.mentionCountReplies);
  say(counts.likes, t.mentionCountLike, t.mentionCountLikes);
  say(counts.reposts, t.mentionCountRepost, t.mentionCountReposts);
  say(counts.mentions, t.mentionCountMention, t.mentionCountMentions);
  if (parts.length === 0) return null;
  return <p class="entry-responses">{parts.join(" · ")}</p>;
}
