import { describe, expect, it } from "vitest";

import { identities, job, succeeded } from "../../../test/api";
import { currentImageJobId } from "../job/saved";

const withImage = (image_path: string) => ({ ...identities[0]!, image_path });

describe("currentImageJobId: the job whose image the identity shows", () => {
  const four = succeeded(job({ id: "job-4" }));
  const fortyFive = succeeded(job({ id: "job-45" }));
  const jobs = [fortyFive, four];

  it("is the job the pipeline's key names", () => {
    expect(currentImageJobId(withImage("generated/identities/id-chef/job-4.png"), 0, jobs)).toBe("job-4");
    expect(currentImageJobId(withImage("generated/identities/id-chef/job-45.png"), 0, jobs)).toBe("job-45");
    // Whatever the order of the history: "job-45" holds "job-4".
    expect(currentImageJobId(withImage("generated/identities/id-chef/job-45.png"), 0, [four, fortyFive])).toBe("job-45");
  });

  it("is the job the host's copy is named for, also once its storage added a suffix", () => {
    expect(currentImageJobId(withImage("identities/job-4.png"), 0, jobs)).toBe("job-4");
    expect(currentImageJobId(withImage("identities/job-4_Xk2Lm9q.png"), 0, jobs)).toBe("job-4");
  });

  it("is none for an image the host app set itself, whose path merely holds an id", () => {
    expect(currentImageJobId(withImage("uploads/job-45-portrait.png"), 0, jobs)).toBeNull();
    expect(currentImageJobId(withImage("job-4/portrait.png"), 0, jobs)).toBeNull();
  });
});
