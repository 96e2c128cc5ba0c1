import { describe, expect, it } from "vitest";

import { job } from "../../../test/api";
import { describeFailure, failsAgain } from "../jobView";

const failedWith = (code: string, message: string) =>
  job({ status: "failed", error: { code, message, details: {} } });

describe("a failure the host can mend", () => {
  it("says an unnamed identity needs its name, and offers the re-run for after", () => {
    const unnamed = failedWith("identity_unnamed", "The identity needs a name.");
    expect(describeFailure(unnamed)).toEqual({
      title: "The identity has no name",
      detail: "The image is made around its name: name it in the host app, then re-run.",
    });
    expect(failsAgain(unnamed)).toBe(false);
  });

  it("says a gone identity is gone, with no re-run", () => {
    const gone = failedWith("identity_not_found", "No such identity.");
    expect(describeFailure(gone)?.title).toBe("The identity is gone");
    expect(failsAgain(gone)).toBe(true);
  });
});
