import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { HostIdentity } from "../../../api/imageGeneration";
import { identities, job, succeeded } from "../../../test/api";
import { CompareDialog, type Candidate } from "../components/CompareDialog";

const chef = identities[0] as HostIdentity;
const upright = succeeded(job({ aspect_ratio: "3:4" }));
const candidates: Candidate[] = [
  { job: { ...upright, output: upright.output && { ...upright.output, width: 768, height: 1024 } }, label: "Result", saveText: "Save" },
];

function dialogFor(imageUrl: string) {
  return (
    <CompareDialog
      title="Compare"
      candidates={candidates}
      identity={{ ...chef, image_url: imageUrl }}
      currentJobId={null}
      onSave={() => {}}
      savingIds={[]}
      failure={null}
      onClose={() => {}}
    />
  );
}

/** Loads the current image at a size, as the browser would. */
function load(width: number, height: number) {
  const image = screen.getByAltText(`Current: ${chef.name}`);
  Object.defineProperty(image, "naturalWidth", { value: width, configurable: true });
  Object.defineProperty(image, "naturalHeight", { value: height, configurable: true });
  fireEvent.load(image);
}

const currentFigure = () => screen.getByText("Current").closest("figure");

describe("CompareDialog: the current image's place on a phone", () => {
  it("takes the row once a landscape image loads, and not for the next image before it loads", () => {
    const { rerender } = render(dialogFor("http://s3.test/current-1.png"));
    expect(currentFigure()).not.toHaveClass("wide");
    load(1376, 768);
    expect(currentFigure()).toHaveClass("wide");

    rerender(dialogFor("http://s3.test/current-2.png"));
    // Upright until it loads: half the row, beside the upright result.
    expect(currentFigure()).not.toHaveClass("wide");
  });
});
