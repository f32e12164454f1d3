/**
 * @module The Worker entry: the single home of profile.json, or, when community.json exists (the
 * build step turns it into src/community/community.generated.ts), a community of homes on one
 * Worker; the cron that refreshes their feeds; the Durable Objects of the homes and the community.
 */
import profile from "../profile.json";
import community from "./community/community.generated.ts";
import { createCommunityWorker } from "./community/worker.tsx";
import { createHomeWorker } from "./homes.ts";

export { HomeStore } from "./posts/store.ts";
export { CommunityStore } from "./community/store.ts";

const worker = community ? createCommunityWorker(community) : createHomeWorker(profile);

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
