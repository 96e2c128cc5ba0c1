/** The result pane as a test reads it: its cards by their titles, and a click of four made. */
import { screen, waitFor, within } from "@testing-library/react";
import { expect } from "vitest";

import { addPhoto, given, openAsAlice } from "./render";

export const pane = () => within(screen.getByRole("region", { name: "Result" }));

/** The pane's cards, by their titles, in the page's order. */
export const cardsInPane = () => pane().queryAllByRole("article").map((card) => card.getAttribute("aria-label"));

/** The pane's cards, by the ids of their jobs, in the page's order. */
export const jobsInPane = () => pane().queryAllByRole("article").map((card) => card.dataset.jobId);

export const FOUR = ["Variant 1 of 4", "Variant 2 of 4", "Variant 3 of 4", "Variant 4 of 4"];

/** Alice's chef, one photo, Generate with four variants: the pane shows their four cards. */
export async function fourVariants(api: { handlers: Parameters<typeof given> }) {
  given(...api.handlers);
  const user = await openAsAlice();
  await addPhoto(user);
  await user.selectOptions(screen.getByRole("combobox", { name: "Variants" }), "4");
  await user.click(screen.getByRole("button", { name: "Generate" }));
  await waitFor(() => expect(cardsInPane()).toEqual(FOUR));
  return user;
}
