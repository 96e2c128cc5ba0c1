import { describe, expect, it } from "vitest";

import type { Job } from "../../../api/imageGeneration";
import { job, succeeded } from "../../../test/api";
import { namingOf, sentenceOf } from "../components/JobsElsewhere";

const failed = (): Job => job({ status: "failed", error: { code: "provider_unavailable", message: "No.", details: {} } });
const click = (jobs: Job[], moving = false, count = jobs.length, sameIdentity = false) => ({
  key: "job-1",
  identityId: "id-chef",
  userId: "3",
  identityName: "Alice the chef",
  jobs,
  count,
  moving,
  sameIdentity,
});
// Asked today, a moment ago.
const ASKED = new Date(Date.now() - 60_000).toISOString();
const asked = (overrides: Partial<Job> = {}): Job => job({ created_at: ASKED, ...overrides });
// As the history names it within a sentence, in the browser's own time zone and clock format.
const at = `today, ${new Date(ASKED).toLocaleTimeString([], { timeStyle: "short" })}`;
const blocked = (): Job =>
  job({ status: "failed", error: { code: "content_blocked", message: "Prompt blocked by Gemini (SAFETY).", details: {} } });

/** Back in the queue after a first attempt met `code`, to be tried again in 25 s. */
const retrying = (code: string): Job =>
  job({
    attempts: 1,
    last_error: { code, message: "the pipeline's own words", details: {} },
    next_attempt_at: new Date(Date.now() + 25_000).toISOString(),
  });

describe("sentenceOf", () => {
  it.each<[string, ReturnType<typeof click>, string]>([
    ["one running", click([job()], true), "Still generating for Alice the chef."],
    ["variants running", click([job(), job()], true), "Still generating for Alice the chef (2 variants)."],
    ["variants running, one read so far", click([job()], true, 3), "Still generating for Alice the chef (3 variants)."],
    ["none readable any more", click([], false, 2), "Ended for Alice the chef."],
    ["all done", click([succeeded(job()), succeeded(job())]), "Ready for Alice the chef: 2 images."],
    ["some failed", click([succeeded(job()), failed()]), "Done for Alice the chef: 1 image, 1 failed."],
    ["all failed", click([failed()]), "Failed for Alice the chef. Gemini was unavailable."],
    ["all failed alike", click([blocked(), blocked()]), "Failed for Alice the chef. Gemini refused the prompt."],
    ["all failed, each its way", click([blocked(), failed()]), "Failed for Alice the chef."],
    ["canceled", click([job({ status: "canceled" })]), "Canceled for Alice the chef."],
    ["the other, not read yet", click([], true, 2, true), "Your other generation for Alice the chef is still running (2 variants)."],
    ["the other, running", click([asked()], true, 2, true), `Your generation of ${at} for Alice the chef is still running (2 variants).`],
    ["the other, ready", click([succeeded(asked())], false, 1, true), `Your generation of ${at} for Alice the chef is ready: 1 image.`],
    ["the other, failed", click([{ ...blocked(), created_at: ASKED }], false, 1, true), `Your generation of ${at} for Alice the chef failed. Gemini refused the prompt.`],
    ["retrying", click([retrying("provider_unavailable")], true), "Still generating for Alice the chef: Gemini is busy, retrying."],
    ["retrying for the host", click([job(), retrying("host_unavailable")], true), "Still generating for Alice the chef (2 variants): the host app did not answer, retrying."],
    ["the other, retrying", click([{ ...retrying("provider_unavailable"), created_at: ASKED }], true, 1, true), `Your generation of ${at} for Alice the chef is still running: Gemini is busy, retrying.`],
    ["the other, canceled", click([asked({ status: "canceled" })], false, 1, true), `Your generation of ${at} for Alice the chef was canceled.`],
  ])("%s", (_, subject, sentence) => {
    // As a notice names its click when no other notice is of its identity.
    expect(sentenceOf(subject, subject.sameIdentity ? "minute" : "identity")).toBe(sentence);
  });

  it("names another identity's click by its time when told to, as the identity on screen's, to the second when told", () => {
    const ready = click([succeeded(asked())]);
    expect(sentenceOf(ready, "minute")).toBe(`Your generation of ${at} for Alice the chef is ready: 1 image.`);
    const toTheSecond = `today, ${new Date(ASKED).toLocaleTimeString([], { timeStyle: "medium" })}`;
    expect(sentenceOf(ready, "second")).toBe(`Your generation of ${toTheSecond} for Alice the chef is ready: 1 image.`);
  });

  it("names a click by its prompt's start too: the card on screen may have been asked the same minute", () => {
    const blockedCity = click([{ ...blocked(), created_at: ASKED, prompt: "city portrait" }], false, 1, true);
    expect(sentenceOf(blockedCity, "minute")).toBe(
      `Your generation of ${at} (“city portrait”) for Alice the chef failed. Gemini refused the prompt.`,
    );
    const long = click([succeeded(asked({ prompt: `smiling, outdoors, ${"soft light, ".repeat(6)}` }))]);
    expect(sentenceOf(long, "minute")).toBe(
      `Your generation of ${at} (“smiling, outdoors, soft light, soft…”) for Alice the chef is ready: 1 image.`,
    );
  });
});

describe("namingOf", () => {
  const at = (time: string) => job({ created_at: new Date(`2026-03-14T${time}`).toISOString() });

  it("names an earlier click of the identity on screen to the second when the click on screen was asked the same minute", () => {
    const earlier = click([at("09:29:02")], true, 1, true);
    expect(namingOf(earlier, [earlier], at("09:29:40"))).toBe("second");
    expect(namingOf(earlier, [earlier], at("09:30:05"))).toBe("minute");
    expect(namingOf(earlier, [earlier])).toBe("minute");
  });

  it("does not weigh the click on screen for another identity's click, named by its identity alone", () => {
    const away = click([at("09:29:02")], true, 1, false);
    expect(namingOf(away, [away], at("09:29:40"))).toBe("identity");
  });
});
