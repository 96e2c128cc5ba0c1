import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { HostIdentity } from "../../../api/imageGeneration";
import { identities, job, succeeded } from "../../../test/api";
import { CompareDialog, type Candidate } from "../components/CompareDialog";

const chef = identities[0] as HostIdentity;
const result = succeeded(job({ aspect_ratio: "3:4" }));
const candidates: Candidate[] = [{ job: result, label: "This result", saveText: "Save this result to identity" }];

describe("CompareDialog: each picture opens its full size", () => {
  it("from a tap or a click on it, or Enter: a link named for it, in a new tab", () => {
    render(
      <CompareDialog
        title="Compare with the current image"
        candidates={candidates}
        identity={{ ...chef, image_url: "http://s3.test/current.png" }}
        currentJobId={null}
        onSave={() => {}}
        savingIds={[]}
        failure={null}
        onClose={() => {}}
      />,
    );
    const current = screen.getByRole("link", { name: "Current image, full size (new tab)" });
    expect(current).toHaveAttribute("href", "http://s3.test/current.png");
    expect(current).toHaveAttribute("target", "_blank");
    const mine = screen.getByRole("link", { name: "This result, full size (new tab)" });
    expect(mine).toHaveAttribute("href", result.output!.url);
    expect(mine).toContainElement(screen.getByRole("img", { name: "This result" }));
  });
});
