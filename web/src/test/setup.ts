import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, vi } from "vitest";

import { server } from "./api";

// jsdom has no object URLs; the thumbnails only need a string.
let urls = 0;
URL.createObjectURL = () => `blob:test/${(urls += 1)}`;
URL.revokeObjectURL = () => undefined;

// React's warning of a state update the test did not wait for (outside `act`): what it shows
// then is not what the page shows. It stays printed, and fails the test that caused it: the
// cure is in the test (`findBy*`, `waitFor`, `timePasses`), not in a quieter console.
const unwaitedUpdates: string[] = [];
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes("not wrapped in act(")) unwaitedUpdates.push(args[0]);
  consoleError(...args);
};

// A page waited for (`findBy*`, `waitFor`) gets 5 s, not 1: on a busy 2-core CI machine a
// whole run's workers share the cores, and a page a second late is not a wrong page.
configure({ asyncUtilTimeout: 5000 });

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  cleanup();
  vi.useRealTimers(); // a test that took the clock gives it back, whatever it did
  server.resetHandlers();
  server.events.removeAllListeners(); // a test's watch on the requests ends with it
  localStorage.clear();
  sessionStorage.clear();
  const unwaited = unwaitedUpdates.splice(0);
  if (unwaited.length > 0) {
    throw new Error(`React updated the page ${unwaited.length} time(s) while the test was not waiting for it (see the warning above).`);
  }
});
afterAll(() => server.close());
