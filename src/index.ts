/** @module The Worker entry: the home for profile.json, the cron that refreshes its feeds, and the home's Durable Object. */
import profile from "../profile.json";
import { createWorker } from "./app.tsx";

export { HomeStore } from "./posts/store.ts";

const worker = createWorker(profile);

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
