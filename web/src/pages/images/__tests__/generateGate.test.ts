import { describe, expect, it } from "vitest";

import { whyGenerateIsOff, type GenerateState } from "../generateGate";

const ready: GenerateState = {
  sessionEnded: false,
  online: true,
  hasNoIdentities: false,
  identitiesUnreadable: false,
  identityChosen: true,
  photos: 2,
  uploading: false,
  notUploaded: 0,
  lost: 0,
  promptTooLong: false,
  promptMaxChars: 2000,
};

describe("whyGenerateIsOff", () => {
  it("lets Generate be pressed when nothing is in the way", () => {
    expect(whyGenerateIsOff(ready)).toBeNull();
  });

  it.each<[string, Partial<GenerateState>, string]>([
    ["the session ended", { sessionEnded: true, online: false }, "Log in again to go on."],
    ["the browser is offline", { online: false, photos: 0 }, "This browser is offline."],
    ["the user has no identities", { hasNoIdentities: true, identityChosen: false }, "Choose a user who has identities."],
    ["the identities could not be read", { identitiesUnreadable: true, identityChosen: false }, "The identities could not be read."],
    ["no identity is chosen", { identityChosen: false, photos: 0 }, "Choose an identity."],
    ["no photo was added", { photos: 0 }, "Add at least one reference photo."],
    ["the first photo is still uploading", { photos: 0, uploading: true }, "Waiting for the photos to upload…"],
    ["a photo is still uploading", { uploading: true, promptTooLong: true }, "Waiting for the photos to upload…"],
    ["a photo's upload failed", { notUploaded: 1 }, "A photo did not upload: retry or remove it."],
    ["the only photos' uploads were stopped", { photos: 0, notUploaded: 2 }, "2 photos did not upload: retry or remove them."],
    ["a photo still uploads while another failed", { uploading: true, notUploaded: 1 }, "Waiting for the photos to upload…"],
    ["a reload lost a photo before it uploaded", { lost: 1 }, "A photo did not upload: add it again or remove it."],
    ["a reload lost the only photos", { photos: 0, lost: 2 }, "2 photos did not upload: add them again or remove them."],
    ["one photo failed and a reload lost another", { notUploaded: 1, lost: 1 }, "A photo did not upload: retry or remove it."],
    ["the prompt is too long", { promptTooLong: true }, "The prompt is over 2000 characters."],
  ])("says the first thing in the way when %s", (_, state, reason) => {
    expect(whyGenerateIsOff({ ...ready, ...state })).toBe(reason);
  });
});
