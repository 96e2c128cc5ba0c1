/** When the page says it lost contact: at once for a read that got no answer in time (it has
 * waited long already), else once TanStack's retry failed too. */
import { describe, expect, it } from "vitest";

import { ApiError, LOST_ANSWER, NO_ANSWER, NOT_ANSWERING, UNREACHABLE, UNREACHABLE_CODE } from "../../../api/imageGeneration";
import { lostContact } from "../hooks/use-connection";

/** A poll that still shows what it read before, whose last try failed with `reason`, before its retry. */
const retrying = (reason: Error) => ({
  isRefetchError: false,
  isLoadingError: false,
  error: null,
  isSuccess: true,
  failureReason: reason,
});
/** A first read that failed (its retry too): the page has nothing of it to show. */
const neverRead = (error: Error) => ({ isRefetchError: false, isLoadingError: true, error, isSuccess: false, failureReason: error });

describe("lostContact", () => {
  it("counts a read with no answer in time at once, before the retry", () => {
    expect(lostContact(true, [retrying(new ApiError(0, NO_ANSWER, NOT_ANSWERING))])).toBe(NOT_ANSWERING);
  });

  it("waits for the retry of a read answered at once with an empty body (a proxy's): it waited for nothing", () => {
    const empty = new ApiError(200, LOST_ANSWER, "The image service answered (HTTP 200) with nothing.");
    expect(lostContact(true, [retrying(empty)])).toBeNull();
    expect(lostContact(true, [{ isRefetchError: true, isLoadingError: false, error: empty, isSuccess: false, failureReason: empty }])).toBe(empty.message);
  });

  it("counts a first read that could not reach the service, not one refused for what it asked", () => {
    expect(lostContact(true, [neverRead(new ApiError(0, UNREACHABLE_CODE, UNREACHABLE))])).toBe(UNREACHABLE);
    expect(lostContact(true, [neverRead(new ApiError(0, NO_ANSWER, NOT_ANSWERING))])).toBe(NOT_ANSWERING);
    expect(lostContact(true, [neverRead(new ApiError(403, "forbidden", "Not yours."))])).toBeNull();
  });
});
