declare module "*?raw" {
  const text: string;
  export default text;
}

// Types `exports.default` from "cloudflare:workers" as the Worker's own entry.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../src/index.ts");
  }
}

declare module "*?inline" {
  const dataUrl: string;
  export default dataUrl;
}
