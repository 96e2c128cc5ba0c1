import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

import { server } from "./api";

// jsdom has no object URLs; the thumbnails only need a string.
let urls = 0;
URL.createObjectURL = () => `blob:test/${(urls += 1)}`;
URL.revokeObjectURL = () => undefined;

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  localStorage.clear();
  sessionStorage.clear();
});
afterAll(() => server.close());
