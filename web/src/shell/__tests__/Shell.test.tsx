/** The standalone shell's own behaviour (the page's is under `pages/images/__tests__`). */
import { render, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { server } from "../../test/api";
import { Shell } from "../Shell";

describe("the login form", () => {
  it("puts the focus in Username as it opens: the page is for logging in", () => {
    server.use(http.get("*/config.json", () => HttpResponse.json({ apiBaseUrl: "http://api.test/v1" })));
    render(<Shell />);
    expect(screen.getByRole("textbox", { name: "Username" })).toHaveFocus();
  });
});
