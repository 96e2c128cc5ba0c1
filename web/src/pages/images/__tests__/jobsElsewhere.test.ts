import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { sentenceOf } from "../components/JobsElsewhere";

const failed = (): Job => job({ status: "failed", error: { code: "provider_unavailable", message: "No.", details: {} } });
const click = (jobs: Job[], moving = false, count = jobs.length) => ({
  identityId: "id-chef",
  userId: "3",
  identityName: "Alice the chef",
  jobs,
  count,
  moving,
});

describe("sentenceOf", () => {
  it.each<[string, ReturnType<typeof click>, string]>([
    ["one running", click([job()], true), "Still generating for Alice the chef."],
    ["variants running", click([job(), job()], true), "Still generating for Alice the chef (2 variants)."],
    ["variants running, one read so far", click([job()], true, 3), "Still generating for Alice the chef (3 variants)."],
    ["none readable any more", click([], false, 2), "Ended for Alice the chef."],
    ["all done", click([succeeded(job()), succeeded(job())]), "Ready for Alice the chef: 2 images."],
    ["some failed", click([succeeded(job()), failed()]), "Done for Alice the chef: 1 image, 1 failed."],
    ["all failed", click([failed()]), "Failed for Alice the chef."],
    ["canceled", click([job({ status: "canceled" })]), "Canceled for Alice the chef."],
  ])("%s", (_, subject, sentence) => {
    expect(sentenceOf(subject)).toBe(sentence);
  });
});
