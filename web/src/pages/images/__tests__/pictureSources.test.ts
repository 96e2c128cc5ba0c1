import { describe, expect, it } from "vitest";

import { job, succeeded } from "../../../test/api";
import { pictureSources } from "../job/picture";

describe("pictureSources", () => {
  it("offers the preview and the large rendition with their widths, the preview first", () => {
    const done = succeeded(job());
    const output = done.output!;
    expect(pictureSources(done)).toEqual({
      src: output.preview_url,
      srcSet: `${output.preview_url} 768w, ${output.large_url} 1376w`,
    });
  });

  it("is the preview alone for a job stored before large renditions, the image itself without a preview", () => {
    const done = succeeded(job());
    const before = { ...done, output: { ...done.output!, large: null, large_url: null } };
    expect(pictureSources(before)).toEqual({ src: done.output!.preview_url });
    const bare = { ...done, output: { ...before.output, preview: null, preview_url: null } };
    expect(pictureSources(bare)).toEqual({ src: done.output!.url });
    expect(pictureSources(job())).toBeNull();
  });
});
