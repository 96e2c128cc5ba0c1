/**
 * A result's picture that did not load (the connection dropped, the browser offline) says so
 * in its box, named as the picture, and is asked for again: a few times, further apart each
 * time, while the browser is online; once it is back online; or at once from a renewed URL.
 */
import { act, fireEvent, render, screen } from "@testing-library/react";
import { onlineManager } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";

import { PICTURE_RETRIES, PICTURE_RETRY_MS, ResultPicture } from "../components/ResultPicture";

describe("ResultPicture", () => {
  afterEach(() => {
    vi.useRealTimers();
    act(() => onlineManager.setOnline(true));
  });

  it("asks again for a picture that did not load while online, a few times, each wait longer", () => {
    vi.useFakeTimers();
    render(<ResultPicture src="http://s3.test/a.png" alt="New image" />);
    for (let miss = 1; miss <= PICTURE_RETRIES; miss += 1) {
      fireEvent.error(screen.getByRole("img"));
      expect(screen.getByRole("img", { name: "New image" })).toHaveTextContent("Not loaded");
      const wait = PICTURE_RETRY_MS * 2 ** (miss - 1);
      act(() => vi.advanceTimersByTime(wait - 1));
      expect(screen.getByRole("img", { name: "New image" })).toHaveTextContent("Not loaded");
      act(() => vi.advanceTimersByTime(1));
      expect(screen.getByRole("img", { name: "New image" }).tagName).toBe("IMG");
    }
    // Past its tries, it waits for the connection to come back, or a renewed URL.
    fireEvent.error(screen.getByRole("img"));
    act(() => vi.advanceTimersByTime(60 * 60_000));
    const box = screen.getByRole("img", { name: "New image" });
    expect(box).toHaveTextContent("Not loaded");
    expect(box).toHaveAttribute("title", "The picture did not load: it is asked for again as its link is renewed.");
  });

  it("does not ask again while the browser is offline", () => {
    vi.useFakeTimers();
    render(<ResultPicture src="http://s3.test/a.png" alt="New image" />);
    act(() => onlineManager.setOnline(false));
    fireEvent.error(screen.getByRole("img"));
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByRole("img", { name: "New image" })).toHaveTextContent("Not loaded");
  });

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
