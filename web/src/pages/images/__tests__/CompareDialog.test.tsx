import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { HostIdentity, Job } from "../../../api/imageGeneration";
import { identities, job, succeeded } from "../../../test/api";
import { CompareDialog, type Candidate } from "../components/CompareDialog";

const chef = identities[0] as HostIdentity;
const result = succeeded(job({ aspect_ratio: "3:4" }));
const candidates: Candidate[] = [{ job: result, label: "This result", saveText: "Save this result to identity" }];

/** The dialog with `shown`, for the chef, whose current image is http://s3.test/current.png. */
/** A click's `count` finished variants of one shape, as Compare is given them. */
function variantsOf(count: number, ratio: Job["aspect_ratio"]): Candidate[] {
  return Array.from({ length: count }, (_, index) => {
    const variant = succeeded(job({ aspect_ratio: ratio, batch_id: "b", batch_size: count, batch_index: index }));
    return { job: variant, label: `Variant ${index + 1} of ${count}`, saveText: `Save variant ${index + 1} of ${count} to identity` };
  });
}

function dialog(shown: Candidate[], onSave: (job: Job) => void = () => {}, identity: Partial<HostIdentity> = {}) {
  return render(
    <CompareDialog
      title="Compare"
      candidates={shown}
      identity={{ ...chef, image_url: "http://s3.test/current.png", ...identity }}
      currentJobId={null}
      onSave={onSave}
      savingIds={[]}
      failure={null}
      onClose={() => {}}
    />,
  );
}

// jsdom loads no picture: the current image is as large as `size` once its address is set.
function currentImageIs(size: { width: number; height: number } | null) {
  vi.stubGlobal(
    "Image",
    class {
      onload: (() => void) | null = null;
      complete = false;
      naturalWidth = 0;
      naturalHeight = 0;
      set src(_url: string) {
        if (size === null) return;
        Object.assign(this, { complete: true, naturalWidth: size.width, naturalHeight: size.height });
      }
    },
  );
}

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

describe("CompareDialog: two pictures of one shape, overlaid", () => {
  afterEach(() => vi.unstubAllGlobals());

  const before = succeeded(job({ aspect_ratio: "16:9" }));
  const refined = succeeded(job({ aspect_ratio: "16:9", kind: "refine", parent_generation_id: before.id }));
  const pair: Candidate[] = [
    { job: before, label: "Before", saveText: "Save the earlier image to identity" },
    { job: refined, label: "Refined", saveText: "Save the refined image to identity" },
  ];


  it("lays them one over the other, split where the divider is put, each saved from under its side", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    dialog(pair, onSave);
    const sideBySide = screen.getByRole("button", { name: "Side by side" });
    expect(sideBySide).toHaveAttribute("aria-pressed", "true");
    const alts = () => screen.getAllByRole("img").map((img) => img.getAttribute("alt"));
    expect(alts()).toEqual(["Current: Alice the chef", "Before", "Refined"]);
    expect(screen.getByRole("img", { name: "Refined" })).toHaveAttribute(
      "srcset",
      `${refined.output!.preview_url} 768w, ${refined.output!.large_url} 1376w`,
    );

    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    expect(screen.getByRole("button", { name: "Overlaid" })).toHaveAttribute("aria-pressed", "true");
    // The two alone (the current image is another comparison), the refined one over the other.
    expect(screen.getAllByRole("img").map((img) => img.getAttribute("src"))).toEqual([
      before.output!.preview_url,
      refined.output!.preview_url,
    ]);
    // Sharp on a 2x screen: the large renditions are there for the browser to take.
    expect(screen.getAllByRole("img").map((img) => img.getAttribute("srcset"))).toEqual([
      expect.stringContaining(`${before.output!.large_url} `),
      expect.stringContaining(`${refined.output!.large_url} `),
    ]);
    const divider = screen.getByRole("slider", { name: "Divider between Before and Refined" });
    expect(divider).toHaveValue("50");
    expect(divider).toHaveAttribute("aria-valuetext", "Before 50%, Refined 50%");
    // The refined picture shows right of the divider only (`--split`, CompareOverlay.module.css).
    const frame = divider.parentElement!.parentElement!;
    expect(frame.style.getPropertyValue("--split")).toBe("50%");

    fireEvent.change(divider, { target: { value: "30" } });
    expect(frame.style.getPropertyValue("--split")).toBe("30%");
    expect(divider).toHaveAttribute("aria-valuetext", "Before 30%, Refined 70%");

    const underRefined = within(screen.getByRole("figure", { name: "Refined" }));
    await user.click(underRefined.getByRole("button", { name: "Save the refined image to identity" }));
    expect(onSave).toHaveBeenCalledWith(refined);
    expect(within(screen.getByRole("figure", { name: "Before" })).getByRole("button")).toHaveAccessibleName(
      "Save the earlier image to identity",
    );

    await user.click(sideBySide);
    expect(screen.queryByRole("slider")).not.toBeInTheDocument();
    expect(alts()).toEqual(["Current: Alice the chef", "Before", "Refined"]);
  });

  it("opens as last chosen in this browser", async () => {
    const user = userEvent.setup();
    const { unmount } = dialog(pair);
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    unmount();
    dialog(pair);
    expect(screen.getByRole("button", { name: "Overlaid" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("slider", { name: "Divider between Before and Refined" })).toBeInTheDocument();
  });

  it("lets the admin choose which two, of more than two: the other side's swaps them", async () => {
    const user = userEvent.setup();
    dialog(variantsOf(3, "16:9"));
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    const left = screen.getByRole("combobox", { name: "Picture on the left" });
    const right = screen.getByRole("combobox", { name: "Picture on the right" });
    const shown = () => screen.getAllByRole("img").map((img) => img.getAttribute("alt"));
    const saves = () => screen.getAllByRole("button", { name: /^Save variant/ }).map((button) => button.textContent);
    expect(shown()).toEqual(["Variant 1 of 3", "Variant 2 of 3"]);

    await user.selectOptions(right, "Variant 3 of 3");
    expect(shown()).toEqual(["Variant 1 of 3", "Variant 3 of 3"]);
    expect(screen.getByRole("slider")).toHaveAccessibleName("Divider between Variant 1 of 3 and Variant 3 of 3");
    expect(saves()).toEqual(["Save variant 1 of 3 to identity", "Save variant 3 of 3 to identity"]);

    await user.selectOptions(left, "Variant 3 of 3");
    expect(shown()).toEqual(["Variant 3 of 3", "Variant 1 of 3"]);
    expect(right).toHaveDisplayValue("Variant 1 of 3");
    expect(saves()).toEqual(["Save variant 3 of 3 to identity", "Save variant 1 of 3 to identity"]);
  });

  it("is not offered for pictures of two shapes", () => {
    const portrait = { ...refined, output: { ...refined.output!, width: 896, height: 1200 } };
    dialog([pair[0]!, { ...pair[1]!, job: portrait }]);
    expect(screen.queryByRole("group", { name: "View" })).not.toBeInTheDocument();
    expect(screen.getAllByRole("img")).toHaveLength(3);
  });

  it("lays one result over the current image of its shape, once the browser has that image", async () => {
    const user = userEvent.setup();
    currentImageIs({ width: 1376, height: 768 });
    dialog([pair[1]!]);
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    expect(screen.getByRole("slider", { name: "Divider between Current and Refined" })).toBeInTheDocument();
    expect(screen.getAllByRole("img").map((img) => img.getAttribute("src"))).toEqual([
      "http://s3.test/current.png",
      refined.output!.preview_url,
    ]);
    expect(screen.getByRole("img", { name: "Current: Alice the chef" })).toBeInTheDocument();
    expect(screen.getByRole("figure", { name: "Current" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save the refined image to identity" })).toBeInTheDocument();
  });

  it("shows the current image by its small rendition, as the results are shown", async () => {
    const user = userEvent.setup();
    currentImageIs({ width: 768, height: 429 });
    dialog([pair[1]!], () => {}, { image_preview_url: "http://s3.test/current.preview.jpg" });
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    expect(screen.getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute(
      "src",
      "http://s3.test/current.preview.jpg",
    );
  });

  it("shows the current image by its renditions as a result's, side by side and overlaid; its full size behind its link", async () => {
    const user = userEvent.setup();
    currentImageIs({ width: 768, height: 429 });
    const renditions = [
      { url: "http://s3.test/current.preview.jpg", width: 768, height: 429 },
      { url: "http://s3.test/current.large.jpg", width: 1536, height: 858 },
    ];
    dialog([pair[1]!], () => {}, { image_preview_url: renditions[0]!.url, image_renditions: renditions });
    const srcset = "http://s3.test/current.preview.jpg 768w, http://s3.test/current.large.jpg 1536w";
    const current = () => screen.getByRole("img", { name: "Current: Alice the chef" });
    // Not the image itself (a 4K one is some 30 MB): that is its link's.
    expect(current()).toHaveAttribute("src", renditions[0]!.url);
    expect(current()).toHaveAttribute("srcset", srcset);
    expect(screen.getByRole("link", { name: "Current image, full size (new tab)" })).toHaveAttribute(
      "href",
      "http://s3.test/current.png",
    );
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    expect(current()).toHaveAttribute("srcset", srcset);
  });

  it("offers the current image too, when it is of their shape, showing the two results first", async () => {
    const user = userEvent.setup();
    currentImageIs({ width: 1376, height: 768 });
    dialog(pair);
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    const left = screen.getByRole("combobox", { name: "Picture on the left" });
    expect(left).toHaveDisplayValue("Before");
    expect(screen.getByRole("combobox", { name: "Picture on the right" })).toHaveDisplayValue("Refined");
    expect(within(left).getAllByRole("option").map((option) => option.textContent)).toEqual(["Current", "Before", "Refined"]);
    await user.selectOptions(left, "Current");
    expect(screen.getByRole("slider")).toHaveAccessibleName("Divider between Current and Refined");
    // Said by its list, under its half: no caption of its own there (it has no Save).
    expect(left).toHaveDisplayValue("Current");
    expect(screen.queryByRole("figure", { name: "Current" })).not.toBeInTheDocument();
  });

  it("puts each side's list under its half, not over the pictures, and keeps the focus on it as it chooses", async () => {
    const user = userEvent.setup();
    dialog(variantsOf(3, "3:4"));
    await user.click(screen.getByRole("button", { name: "Overlaid" }));
    const slider = screen.getByRole("slider");
    const right = screen.getByRole("combobox", { name: "Picture on the right" });
    // Not in the pictures' box (over a face's hair and brow), but with its side's Save.
    expect(slider.parentElement).not.toContainElement(right);
    expect(right.parentElement).toContainElement(screen.getByRole("button", { name: "Save variant 2 of 3 to identity" }));
    right.focus();
    await user.selectOptions(right, "Variant 3 of 3");
    expect(right).toHaveFocus();
    expect(right.parentElement).toContainElement(screen.getByRole("button", { name: "Save variant 3 of 3 to identity" }));
  });

  it("is not offered beside a current image of another shape, or one not loaded", () => {
    currentImageIs({ width: 896, height: 1200 });
    const { unmount } = dialog([pair[1]!]);
    expect(screen.queryByRole("group", { name: "View" })).not.toBeInTheDocument();
    unmount();
    currentImageIs(null);
    dialog([pair[1]!]);
    expect(screen.queryByRole("group", { name: "View" })).not.toBeInTheDocument();
  });
});

describe("CompareDialog: side by side, laid out by the pictures' shapes", () => {
  afterEach(() => vi.unstubAllGlobals());

  const wide = (count: number) => variantsOf(count, "16:9");
  const grid = () => screen.getByRole("img", { name: /^Variant 1 of/ }).closest("figure")!.parentElement!;

  it("gives each column its picture's width for its height: a portrait current image beside landscapes stands as tall", () => {
    currentImageIs({ width: 768, height: 1024 });
    dialog(wide(3));
    const columns = grid().style.getPropertyValue("--columns").split(/ (?=minmax)/);
    // The stand-in's 16:9 at 1K is 1376×768.
    expect(columns).toEqual(["minmax(0, 0.750fr)", ...Array(3).fill("minmax(0, 1.792fr)")]);
    expect(grid()).toHaveClass("shaped");
  });

  it("puts four landscape pictures on two lines, two a line", () => {
    dialog(wide(4), () => {}, { image_url: null });
    expect(grid()).toHaveClass("lines");
    expect([grid().style.getPropertyValue("--per-line"), grid().style.getPropertyValue("--lines")]).toEqual(["2", "2"]);
  });

  it("on a screen taller than wide, stacks two landscape pictures and puts the current image and four squares three a line", () => {
    const tall = () => ["--tall-per-line", "--tall-lines"].map((name) => grid().style.getPropertyValue(name));
    const { unmount } = dialog(wide(2), () => {}, { image_url: null });
    expect(tall()).toEqual(["1", "2"]);
    unmount();
    const squares = wide(4).map(({ job: variant, ...named }): Candidate => {
      const output = variant.output && { ...variant.output, width: 1024, height: 1024 };
      return { ...named, job: { ...variant, aspect_ratio: "1:1", output } };
    });
    currentImageIs({ width: 896, height: 1200 });
    const again = dialog(squares);
    expect(tall()).toEqual(["3", "2"]);
    again.unmount();
    dialog(squares, () => {}, { image_url: null });
    expect(tall()).toEqual(["2", "2"]);
  });

  it("puts the current image and four landscape variants three a line, on two lines", () => {
    currentImageIs({ width: 1376, height: 768 });
    dialog(wide(4));
    expect(grid()).toHaveClass("lines");
    expect([grid().style.getPropertyValue("--per-line"), grid().style.getPropertyValue("--lines")]).toEqual(["3", "2"]);
  });
});

describe("CompareDialog: the page behind it", () => {
  afterEach(() => {
    document.documentElement.style.overflowY = "";
    vi.restoreAllMocks();
  });

  it("stays still while it is open (the window's scroll stops), and scrolls again once it closes", () => {
    // jsdom lays nothing out: the page is longer than the window.
    vi.spyOn(document.documentElement, "scrollHeight", "get").mockReturnValue(3000);
    vi.spyOn(document.documentElement, "clientHeight", "get").mockReturnValue(768);
    const { unmount } = dialog(candidates);
    expect(document.documentElement.style.overflowY).toBe("hidden");
    unmount();
    expect(document.documentElement.style.overflowY).toBe("");
  });
});

describe("CompareDialog: a save from it", () => {
  it("keeps the image it replaced in its place, as Replaced, until an Undo makes it Current again", () => {
    const shown = variantsOf(2, "16:9");
    const saved = shown[1]!.job;
    const over = (identity: Partial<HostIdentity>, currentJobId: string | null) => (
      <CompareDialog
        title="Compare"
        candidates={shown}
        identity={{ ...chef, ...identity }}
        currentJobId={currentJobId}
        onSave={() => {}}
        savingIds={[]}
        failure={null}
        onClose={() => {}}
      />
    );
    const before = { image_path: "identities/before.png", image_url: "http://s3.test/before.png" };
    const { rerender } = render(over(before, null));
    expect(screen.getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute("src", "http://s3.test/before.png");

    // Saved: the identity shows the variant now; the image before it stays where it was.
    rerender(over({ image_path: saved.output!.key, image_url: "http://s3.test/saved.png" }, saved.id));
    expect(screen.getByRole("img", { name: "Replaced: Alice the chef" })).toHaveAttribute("src", "http://s3.test/before.png");
    expect(screen.getByText("Replaced")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: /^Current/ })).not.toBeInTheDocument();
    expect(screen.getAllByRole("figure")).toHaveLength(3);

    // Undone: it is the current image again.
    rerender(over(before, null));
    expect(screen.getByRole("img", { name: "Current: Alice the chef" })).toHaveAttribute("src", "http://s3.test/before.png");
    expect(screen.getAllByRole("figure")).toHaveLength(3);
  });

  it("adds no picture when the image it replaced was one of those it compares", () => {
    const shown = variantsOf(2, "16:9");
    const [first, second] = shown.map(({ job }) => job);
    const over = (saved: Job) => (
      <CompareDialog
        title="Compare"
        candidates={shown}
        identity={{ ...chef, image_path: saved.output!.key, image_url: `http://s3.test/${saved.id}.png` }}
        currentJobId={saved.id}
        onSave={() => {}}
        savingIds={[]}
        failure={null}
        onClose={() => {}}
      />
    );
    const { rerender } = render(over(first!));
    expect(screen.getAllByRole("figure")).toHaveLength(2);
    rerender(over(second!));
    expect(screen.getAllByRole("figure")).toHaveLength(2);
    expect(screen.queryByText("Replaced")).not.toBeInTheDocument();
  });
});
