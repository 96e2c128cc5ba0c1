/**
 * A result's picture that did not load (the connection dropped, the browser offline) says so
 * in its box, named as the picture, and is asked for again once the browser is back online,
 * or at once from a renewed URL.
 */
import { act, fireEvent, render, screen } from "@testing-library/react";
import { onlineManager } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { ResultPicture } from "../components/ResultPicture";

describe("ResultPicture", () => {
  it("says a picture that did not load in its box, and loads it again once the browser is back online", () => {
    render(<ResultPicture src="http://s3.test/a.png" alt="Variant 2 of 4, 1024×1024" className="image" />);
    act(() => onlineManager.setOnline(false));
    fireEvent.error(screen.getByRole("img"));
    const box = screen.getByRole("img", { name: "Variant 2 of 4, 1024×1024" });
    expect(box.tagName).toBe("SPAN");
    expect(box).toHaveTextContent("Not loaded");
    expect(box).toHaveClass("image");

    act(() => onlineManager.setOnline(true));
    const picture = screen.getByRole("img", { name: "Variant 2 of 4, 1024×1024" });
    expect(picture.tagName).toBe("IMG");
    expect(picture).toHaveAttribute("src", "http://s3.test/a.png");
  });

  it("tries a renewed URL at once", () => {
    const { rerender } = render(<ResultPicture src="http://s3.test/a.png?v=1" alt="New image" />);
    fireEvent.error(screen.getByRole("img"));
    expect(screen.getByRole("img", { name: "New image" })).toHaveTextContent("Not loaded");
    rerender(<ResultPicture src="http://s3.test/a.png?v=2" alt="New image" />);
    expect(screen.getByRole("img", { name: "New image" }).tagName).toBe("IMG");
  });

  it("keeps a picture named by the words beside it hidden from a screen reader", () => {
    const { container } = render(<ResultPicture src="http://s3.test/a.png" alt="" />);
    fireEvent.error(container.querySelector("img")!);
    expect(screen.getByText("Not loaded")).toHaveAttribute("aria-hidden", "true");
  });
});
