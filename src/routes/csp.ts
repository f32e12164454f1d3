/**
 * @module The Content-Security-Policy every answer carries (set app-wide by hono/secure-headers),
 * and the one exception: a page whose form may be sent (the IndieAuth consent page) allows
 * `form-action 'self'` and the origin the answer redirects to, since browsers check form-action
 * on the redirect that follows a submit. Every other page keeps `form-action 'none'`.
 */
/** The policy of every answer: nothing runs, nothing is framed, no form is sent. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  imgSrc: ["'self'", "https:", "data:"],
  styleSrc: ["'self'"],
  scriptSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The same policy as a header value, with `form-action` allowing the given sources. */
export function policyWithFormAction(sources: string[]): string {
  const directives: Record<string, string[]> = { ...CONTENT_SECURITY_POLICY, formAction: sources };
  return Object.entries(directives)
    .map(([name, values]) => `${kebab(name)} ${values.join(" ")}`)
    .join("; ");
}
