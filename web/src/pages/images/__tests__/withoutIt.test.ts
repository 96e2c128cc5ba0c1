import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { withoutIt } from "../job/without";

const keys = ["uploads/1/u/1.jpg", "uploads/1/u/2.jpg", "uploads/1/u/3.heic"];
const names = ["person1.jpg", "person2.jpg", "IMG_0042.HEIC"];
const failedOn = (details: Record<string, unknown>, code = "reference_invalid") =>
  job({ reference_keys: keys, reference_names: names, status: "failed", error: { code, message: "the file is truncated", details } });

describe("withoutIt: a click that failed on a photo, without it", () => {
  it("is the rest of its photos, in their order, with their names", () => {
    expect(withoutIt(failedOn({ key: keys[2], index: 2 }), new Map())).toEqual({
      photo: { key: keys[2], index: 2, name: "IMG_0042.HEIC" },
      keys: keys.slice(0, 2),
      names: names.slice(0, 2),
    });
  });

  it("finds the photo by its key or its place alone, and of an upload that expired too", () => {
    expect(withoutIt(failedOn({ key: keys[1] }), new Map())?.keys).toEqual([keys[0], keys[2]]);
    expect(withoutIt(failedOn({ index: 0 }, "reference_not_found"), new Map())?.keys).toEqual(keys.slice(1));
  });

  it("leaves out the photos another generation could not use either, and is none when none is left", () => {
    const unusable = new Map([[keys[0]!, "A generation could not use it: remove it, or add another photo."]]);
    expect(withoutIt(failedOn({ key: keys[2], index: 2 }), unusable)?.keys).toEqual([keys[1]]);
    unusable.set(keys[1]!, "…");
    expect(withoutIt(failedOn({ key: keys[2], index: 2 }), unusable)).toMatchObject({ keys: [], names: [] });
  });

  it("sends no names when the job kept none for some of its photos", () => {
    const unnamed = job({ ...failedOn({ index: 2 }), reference_names: [] });
    expect(withoutIt(unnamed, new Map())).toMatchObject({ photo: { name: null }, keys: keys.slice(0, 2), names: undefined });
  });

  it("is not for a job that failed otherwise, nor a folder's, nor a refinement's, nor one whose photo it cannot tell", () => {
    expect(withoutIt({ ...failedOn({ key: keys[2], index: 2 }), kind: "refine" }, new Map())).toBeNull();
    expect(withoutIt({ ...failedOn({ key: keys[2], index: 2 }), kind: "rerun" }, new Map())?.keys).toEqual(keys.slice(0, 2));
    expect(withoutIt(job({ status: "failed", error: { code: "content_blocked", message: "no", details: {} } }), new Map())).toBeNull();
    expect(withoutIt({ ...failedOn({ key: keys[2], index: 2 }), source: "s3_event" }, new Map())).toBeNull();
    expect(withoutIt(failedOn({ key: "uploads/1/u/9.jpg" }), new Map())).toBeNull();
    expect(withoutIt(failedOn({}), new Map())).toBeNull();
  });
});
