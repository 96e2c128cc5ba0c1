import { describe, expect, it } from "vitest";

import { identities, job, succeeded } from "../../../test/api";
import { identityPictureSources, pictureSources, renditionsOf, thumbnailSources } from "../job/picture";

describe("pictureSources", () => {
  it("offers a card the preview and the large rendition with their widths, the preview first, not the small one", () => {
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

describe("thumbnailSources", () => {
  it("offers a history row's thumbnail the small rendition and the preview, smallest first, the preview as its src", () => {
    const done = succeeded(job());
    const output = done.output!;
    expect(thumbnailSources(done, { large: false })).toEqual({
      src: output.preview_url,
      srcSet: `${output.small_url} 384w, ${output.preview_url} 768w`,
    });
  });

  it("offers a results tile, which can be large on a 2x screen, the large rendition too", () => {
    const done = succeeded(job());
    const output = done.output!;
    expect(thumbnailSources(done, { large: true })).toEqual({
      src: output.preview_url,
      srcSet: `${output.small_url} 384w, ${output.preview_url} 768w, ${output.large_url} 1376w`,
    });
  });

  it("is what a card shows for a job stored before small renditions, the preview alone before any", () => {
    const done = succeeded(job());
    const before = { ...done, output: { ...done.output!, small: null, small_url: null } };
    expect(thumbnailSources(before, { large: true })).toEqual(pictureSources(done));
    expect(thumbnailSources(before, { large: false })).toEqual({ src: done.output!.preview_url });
    expect(thumbnailSources(job(), { large: false })).toBeNull();
  });
});

describe("the identity's renditions", () => {
  it("are a result's three, smallest first, as the identities' list gives them, for its picture beside the select and in Compare", () => {
    const done = succeeded(job());
    const output = done.output!;
    const renditions = renditionsOf(done);
    expect(renditions.map(({ url, width }) => [url, width])).toEqual([
      [output.small_url, 384],
      [output.preview_url, 768],
      [output.large_url, 1376],
    ]);
    const identity = { ...identities[0]!, image_preview_url: output.preview_url, image_renditions: renditions };
    expect(identityPictureSources(identity)).toEqual({
      src: output.preview_url,
      srcSet: `${output.small_url} 384w, ${output.preview_url} 768w, ${output.large_url} 1376w`,
    });
  });
});
