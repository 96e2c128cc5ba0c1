import { describe, expect, it } from "vitest";

import { job, succeeded } from "../../../test/api";
import { downloadLink } from "../job/picture";

describe("downloadLink", () => {
  it("is the attachment URL with the file's own name, and none without a result", () => {
    const done = succeeded(job());
    expect(downloadLink(done)).toEqual({ href: done.output!.download_url, download: done.output!.filename });
    expect(downloadLink(job())).toBeNull();
  });
});
