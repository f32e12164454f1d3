/**
 * @module The profile's fields as an HTML form (no script), for editing a home at /new/profile and
 * for a community's sign-up page: name, handle (when asked), note, language, photo, accounts (one
 * a line, see config/profile-form.ts) and the community planet's checkbox (when asked). Each field
 * has its label, its hint, and the schema's problems right after it (`aria-describedby`,
 * `aria-invalid`); problems of fields the form does not show are listed above them. The caller
 * draws the `<form>`, its CSRF token and its buttons.
 */
import { COMMUNITY_SHOWN, type FormProblem, type FormProblems, type ProfileForm, type ProfileFormField } from "../config/profile-form.ts";
import { fill, LANGUAGES, type Messages } from "../i18n/languages.ts";

export interface ProfileFieldsProps {
  t: Messages;
  /** The fields' text: a profile's (`formFromProfile`) or what was typed, re-shown whole. */
  values: ProfileForm;
  /** The schema's problems, by field (`formProblems`). */
  problems?: FormProblems | undefined;
  /** Show the handle field (sign-up): the community's domain, for the hint. */
  handle?: { domain: string } | undefined;
  /** Show the community planet's checkbox (a community member's home). */
  community?: boolean | undefined;
  /** Prefix of the fields' ids, when a page holds two forms. Default: "profile". */
  idPrefix?: string | undefined;
}

/** A problem in words: the schema's message (English, marked so), after its line in the page's language. */
function ProblemText({ problem, t }: { problem: FormProblem; t: Messages }) {
  const message = <span lang="en">{problem.message}</span>;
  if (problem.line === undefined) return message;
  const [before = "", after = ""] = fill(t.profileProblemLine, { line: String(problem.line) }).split("{message}");
  return (
    <>
      {before}
      {message}
      {after}
    </>
  );
}

/** The problems of one field, where `aria-describedby` points. */
function Problems({ id, problems, t }: { id: string; problems: FormProblem[] | undefined; t: Messages }) {
  if (!problems || problems.length === 0) return null;
  return (
    <span class="field-problems" id={id}>
      {problems.map((problem) => (
        <span class="problem field-problem">
          <ProblemText problem={problem} t={t} />
        </span>
      ))}
    </span>
  );
}

interface FieldFrame {
  id: string;
  label: string;
  hint?: string | undefined;
  problems?: FormProblem[] | undefined;
}

/** The attributes linking a control to its hint and problems. */
function described({ id, hint, problems }: FieldFrame): { "aria-describedby"?: string; "aria-invalid"?: "true" } {
  const ids = [hint ? `${id}-hint` : "", problems?.length ? `${id}-problem` : ""].filter(Boolean).join(" ");
  return { ...(ids ? { "aria-describedby": ids } : {}), ...(problems?.length ? { "aria-invalid": "true" as const } : {}) };
}

function Field(props: FieldFrame & { t: Messages; children: unknown }) {
  const { id, label, hint, problems, children } = props;
  return (
    <p class={problems?.length ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint ? (
        <>
          <br />
          <span class="hint" id={`${id}-hint`}>
            {hint}
          </span>
        </>
      ) : null}
      <br />
      {children}
      <Problems id={`${id}-problem`} problems={problems} t={props.t} />
    </p>
  );
}

/**
 * The profile's fields, filled with `values`, each with its problems.
 *
 * @example
 * <form method="post" action="/new/profile"><input type="hidden" name="csrf" value={csrf} />
 *   <ProfileFields t={t} values={formFromProfile(profile)} problems={problems} />
 *   <button name="action" value="save">…</button></form>
 */
export function ProfileFields({ t, values, problems = {}, handle, community, idPrefix = "profile" }: ProfileFieldsProps) {
  const frame = (field: ProfileFormField, label: string, hint?: string): FieldFrame & { t: Messages } => ({ id: `${idPrefix}-${field}`, label, hint, problems: problems[field], t });
  const value = (field: ProfileFormField) => values[field] ?? "";
  const name = frame("name", t.profileFieldName);
  const handleField = handle ? frame("handle", t.profileFieldHandle, fill(t.profileFieldHandleHint, { domain: handle.domain })) : undefined;
  const note = frame("note", t.profileFieldNote, t.profileFieldNoteHint);
  const lang = frame("lang", t.profileFieldLang);
  const photo = frame("photo", t.profileFieldPhoto, t.profileFieldPhotoHint);
  const accounts = frame("accounts", t.profileFieldAccounts, t.profileFieldAccountsHint);
  const chosen = value("lang").toLowerCase().split("-")[0];
  const others = problems.form ?? [];
  return (
    <>
      {others.length > 0 ? (
        <div class="problem" role="alert" id={`${idPrefix}-problems`}>
          <p>{t.profileFormProblems}</p>
          <ul lang="en">
            {others.map((problem) => (
              <li>
                <code>{problem.path}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Field {...name}>
        <input id={name.id} type="text" name="name" value={value("name")} required autocomplete="name" {...described(name)} />
      </Field>
      {handleField ? (
        <Field {...handleField}>
          <input id={handleField.id} type="text" name="handle" value={value("handle")} required autocomplete="username" autocapitalize="none" spellcheck={false} {...described(handleField)} />
        </Field>
      ) : null}
      <Field {...note}>
        <textarea id={note.id} name="note" rows={4} {...described(note)}>
          {/* The parser drops a textarea's first newline: this one, so the text's own stays. */}
          {`\n${value("note")}`}
        </textarea>
      </Field>
      <Field {...lang}>
        <select id={lang.id} name="lang" {...described(lang)}>
          {LANGUAGES.map((language) => (
            <option value={language.code} selected={language.code === chosen} lang={language.code}>
              {language.name}
            </option>
          ))}
        </select>
      </Field>
      <Field {...photo}>
        <input id={photo.id} type="url" name="photo" value={value("photo")} autocomplete="photo" {...described(photo)} />
      </Field>
      <Field {...accounts}>
        <textarea id={accounts.id} name="accounts" rows={6} spellcheck={false} {...described(accounts)}>
          {`\n${value("accounts")}`}
        </textarea>
      </Field>
      {community ? <CommunityField id={`${idPrefix}-community`} checked={Boolean(value("community"))} problems={problems.community} t={t} /> : null}
    </>
  );
}

function CommunityField({ id, checked, problems, t }: { id: string; checked: boolean; problems: FormProblem[] | undefined; t: Messages }) {
  return (
    <p class={problems?.length ? "field field-invalid" : "field"}>
      <input type="hidden" name={COMMUNITY_SHOWN} value="1" />
      <input id={id} type="checkbox" name="community" value="on" checked={checked} {...described({ id, label: "", problems })} /> <label for={id}>{t.profileFieldCommunity}</label>
      <Problems id={`${id}-problem`} problems={problems} t={t} />
    </p>
  );
}
