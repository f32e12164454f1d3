/**
 * @module The owner's profile page at /new/profile (no script): the profile form (ProfileFields)
 * with Preview and Save, the preview drawn by the home page's own `ProfileCard`, the last saved
 * versions each with "Restore this version", and the export back to profile.json. Every form
 * carries the session's CSRF token; the save form carries the version it was loaded at.
 */
import type { Profile } from "../config/index.ts";
import type { FormProblems, ProfileForm } from "../config/profile-form.ts";
import { exactDate } from "../i18n/dates.ts";
import { fill, type Messages } from "../i18n/languages.ts";
import type { Source } from "../model.ts";
import { IconSprite } from "./icons.tsx";
import { Document, ProfileCard } from "./page.tsx";
import { ProfileFields } from "./profile-form.tsx";

/** A kept version as the list shows it. */
export interface ListedVersion {
  version: number;
  savedAt: string;
  /** The name in that version, to tell them apart. */
  name: string;
}

export interface ProfileEditData {
  t: Messages;
  stylesheet: string;
  favicon?: string | undefined;
  csrf: string;
  values: ProfileForm;
  problems?: FormProblems | undefined;
  /** The version the form is loaded at (0: none saved yet). */
  version: number;
  versions: ListedVersion[];
  maxVersions: number;
  /** Show the community planet's checkbox (a community member's home). */
  community?: boolean | undefined;
  /** A message above the form: saved, refused, in conflict. */
  notice?: { text: string; problem: boolean } | undefined;
  preview?: { profile: Profile; sources: Source[] } | undefined;
}

function Versions({ t, csrf, versions, current, max }: { t: Messages; csrf: string; versions: ListedVersion[]; current: number; max: number }) {
  return (
    <section aria-labelledby="profile-versions">
      <h2 id="profile-versions">{t.profileVersions}</h2>
      {versions.length === 0 ? (
        <p class="empty">{t.profileNoVersions}</p>
      ) : (
        <>
          <p class="muted">{fill(t.profileVersionsLead, { max: String(max) })}</p>
          <ul class="profile-versions">
            {versions.map((entry) => {
              const label = fill(t.profileVersionOf, { version: String(entry.version) });
              return (
                <li data-version={String(entry.version)}>
                  <strong>{label}</strong> — <time datetime={entry.savedAt}>{exactDate(entry.savedAt, t.code)}</time> — {entry.name}
                  {entry.version === current ? (
                    <>
                      {" "}
                      <span class="badge">{t.profileVersionCurrent}</span>
                    </>
                  ) : (
                    <form method="post" action="/new/profile/restore">
                      <input type="hidden" name="csrf" value={csrf} />
                      <input type="hidden" name="restore" value={String(entry.version)} />
                      <button type="submit">
                        {t.profileRestore}
                        <span class="vh"> — {label}</span>
                      </button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

export function ProfileEditPage({ t, stylesheet, favicon, csrf, values, problems, version, versions, maxVersions, community, notice, preview }: ProfileEditData) {
  return (
    <Document lang={t.code} title={t.profileEditTitle} stylesheet={stylesheet} favicon={favicon}>
      <main id="content" class="error-page compose">
        <p>
          <a href="/new">{t.profileBack}</a>
        </p>
        <h1>{t.profileEditTitle}</h1>
        <p>{t.profileEditLead}</p>
        {notice ? (
          <p class={notice.problem ? "problem" : "notice"} role={notice.problem ? "alert" : "status"}>
            {notice.text}
          </p>
        ) : null}
        {preview ? (
          <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{t.profilePreviewTitle}</h2>
            <p class="muted">{t.profilePreviewLead}</p>
            <IconSprite names={[...preview.sources.map((source) => source.icon), "web"]} />
            <ProfileCard profile={preview.profile} sources={preview.sources} t={t} />
          </section>
        ) : null}
        <form method="post" action="/new/profile">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="version" value={String(version)} />
          <ProfileFields t={t} values={values} problems={problems} community={community} />
          <p class="actions">
            <button type="submit" name="action" value="preview">
              {t.profilePreview}
            </button>{" "}
            <button type="submit" name="action" value="save" class="primary">
              {t.profileSave}
            </button>
          </p>
        </form>
        <Versions t={t} csrf={csrf} versions={versions} current={versions[0]?.version ?? 0} max={maxVersions} />
        <section aria-labelledby="profile-export">
          <h2 id="profile-export">{t.profileExport}</h2>
          <p>{t.profileExportLead}</p>
          <p>
            <a href="/new/profile/export" download="profile.json">
              {t.profileExport}
            </a>
          </p>
        </section>
      </main>
    </Document>
  );
}
