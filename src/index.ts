/** @module The Worker entry: the home for profile.json, and the cron that refreshes its feeds. */
import profile from "../profile.json";
import { createWorker } from "./app.tsx";

const worker = createWorker(profile);

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
