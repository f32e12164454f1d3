/**
 * @module Service icons: brand marks from simple-icons (CC0) for the services the registry names,
 * and generic globe / envelope / feed marks for the rest. Rendered as inline SVG with
 * `aria-hidden`: the brand's name is always text beside it.
 *
 * Only the exports named below reach the bundle: simple-icons' index is ~5 MB, and esbuild keeps
 * just the properties a namespace import is read by (the package declares `sideEffects: false`).
 * A new service whose brand is missing here falls back to the globe; add `icons.si<Name>` below.
 */
import * as icons from "simple-icons";

/** SVG path data (24×24 viewBox) by icon key: simple-icons slugs, plus the generic marks. */
const BRANDS: Record<string, string> = Object.fromEntries(
  [
    icons.siActivitypub,
    icons.siBehance,
    icons.siBlogger,
    icons.siBluesky,
    icons.siCodeberg,
    icons.siDevdotto,
    icons.siDiscord,
    icons.siFlickr,
    icons.siGithub,
    icons.siGitlab,
    icons.siHashnode,
    icons.siInstagram,
    icons.siKeybase,
    icons.siLemmy,
    icons.siLetterboxd,
    icons.siMastodon,
    icons.siMatrix,
    icons.siMedium,
    icons.siPeertube,
    icons.siPixelfed,
    icons.siReddit,
    icons.siSpotify,
    icons.siStackoverflow,
    icons.siSubstack,
    icons.siTelegram,
    icons.siThreads,
    icons.siTumblr,
    icons.siTwitch,
    icons.siVimeo,
    icons.siWordpress,
    icons.siX,
    icons.siYoutube,
  ].map((icon) => [icon.slug, icon.path]),
);

const GENERIC: Record<string, string> = {
  // A globe: a circle with a meridian and two parallels.
  web: "M12 0a12 12 0 1 0 0 24 12 12 0 0 0 0-24Zm7.93 7h-3.3a17 17 0 0 0-1.5-4.4A10 10 0 0 1 19.93 7ZM12 2.05A15 15 0 0 1 14.6 7H9.4A15 15 0 0 1 12 2.05ZM2.25 14a9.9 9.9 0 0 1 0-4h3.6a19 19 0 0 0 0 4Zm.82 3h3.3a17 17 0 0 0 1.5 4.4A10 10 0 0 1 3.07 17Zm3.3-10h-3.3a10 10 0 0 1 4.8-4.4A17 17 0 0 0 6.37 7ZM12 21.95A15 15 0 0 1 9.4 17h5.2a15 15 0 0 1-2.6 4.95ZM14.93 14H9.07a16 16 0 0 1 0-4h5.86a16 16 0 0 1 0 4Zm.2 7.4a17 17 0 0 0 1.5-4.4h3.3a10 10 0 0 1-4.8 4.4ZM18.15 14a19 19 0 0 0 0-4h3.6a9.9 9.9 0 0 1 0 4Z",
  // An envelope.
  email: "M2 4h20a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Zm0 2v.4l10 6.25L22 6.4V6Zm20 2.75-9.47 5.92a1 1 0 0 1-1.06 0L2 8.75V18h20Z",
  feed: icons.siRss.path,
};

/** True when `key` is a brand mark shipped in the bundle (not a generic fallback). */
export function hasBrandIcon(key: string): boolean {
  return key in BRANDS;
}

/** The path data for `key`; the globe for any key without a mark. */
export function iconPath(key: string): string {
  return BRANDS[key] ?? GENERIC[key] ?? GENERIC["web"]!;
}

/** The key an icon is drawn with: the brand, the generic mark, or the globe. */
export function iconKey(name: string): string {
  return hasBrandIcon(name) || name in GENERIC ? name : "web";
}

/**
 * Every icon a page uses, drawn once as `<symbol>`s that `Icon` points at: an entry's source
 * line repeats its account's icon, and repeating the path data would cost ~1 KB per entry.
 */
export function IconSprite({ names }: { names: Iterable<string> }) {
  const keys = [...new Set([...names].map(iconKey))].sort();
  return (
    <svg class="icon-sprite" width="0" height="0" aria-hidden="true" focusable="false">
      {keys.map((key) => (
        <symbol id={`i-${key}`} viewBox="0 0 24 24">
          <path d={iconPath(key)} />
        </symbol>
      ))}
    </svg>
  );
}

/** A decorative service icon (drawn by the page's `IconSprite`); put the service's name as text beside it. */
export function Icon({ name }: { name: string }) {
  const key = iconKey(name);
  return (
    <svg class={`icon icon-${key}`} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <use href={`#i-${key}`} />
    </svg>
  );
}
